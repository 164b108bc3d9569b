/* GCC clones: a constprop clone whose body changes, and one that does not. */
extern void sink(int);

static __attribute__((noinline)) void scale(int v, int factor)
{
#ifdef FIX
	if (v < 0)
		v = 0;
#endif
	sink(v * factor);
	sink(v + factor);
}

static __attribute__((noinline)) void steady(int v, int factor)
{
	sink(v * factor);
	sink(v - factor);
}

void use_scale(int v)
{
	scale(v, 7);
	steady(v, 9);
}
