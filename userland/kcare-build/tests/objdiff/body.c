/* A body change in one function; its neighbour stays the same. */
int limit_check(int x)
{
#ifdef FIX
	return x > 10 ? 10 : x;
#else
	return x > 11 ? 11 : x;
#endif
}

int untouched(int x)
{
	return x * 3;
}
