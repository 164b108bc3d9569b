/* A notrace function has no ftrace entry: nothing can redirect it. */
__attribute__((no_instrument_function)) int fast_path(int x)
{
#ifdef FIX
	return x & 0xff;
#else
	return x & 0x1ff;
#endif
}

int traced(int x)
{
	return fast_path(x) + 1;
}
