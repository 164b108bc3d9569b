/* The fix is in an inlined helper: its caller changes, the helper is no symbol. */
static inline int clamp_len(int len)
{
#ifdef FIX
	return len < 0 ? 0 : len;
#else
	return len;
#endif
}

int copy_len(int len)
{
	return clamp_len(len) + 1;
}

int other(int len)
{
	return len - 1;
}
