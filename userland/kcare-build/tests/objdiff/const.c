/* A read-only table changes: the new function uses a new copy. */
static const int weights[4] = {
#ifdef FIX
	1, 2, 4, 9,
#else
	1, 2, 4, 8,
#endif
};

int weight(unsigned int i)
{
	return weights[i & 3];
}

int unrelated(int x)
{
	return x + 5;
}
