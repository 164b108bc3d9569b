/* Only the unlikely (.cold) part changes: its parent is what is redirected. */
extern void __attribute__((cold)) report(const char *msg, int v);
extern void note(int v);

int check_value(int v, int w)
{
	if (v < 0) {
#ifdef FIX
		report("negative value rejected", w);
#else
		report("negative value", w);
#endif
		note(w);
		return -22;
	}
	note(v);
	note(w);
	return 0;
}
