/* A change in a comment only: nothing to patch. */
int answer(void)
{
#ifdef FIX
	/* the answer, documented */
#endif
	return 42;
}
