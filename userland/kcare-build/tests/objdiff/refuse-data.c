/* A changed initial value of a variable: the running kernel's copy keeps
 * the old one, so the fix is refused. */
int max_entries = 
#ifdef FIX
	64;
#else
	128;
#endif

int entries_ok(int n)
{
	return n <= max_entries;
}
