/* String literals are compared by their text: a fix that adds a string
 * before another function's moves that one's offset, not its text. */
extern int printk(const char *fmt, ...);

void say_first(int v)
{
#ifdef FIX
	printk("first: bad value %d, clamped\n", v);
#else
	printk("first: bad value %d\n", v);
#endif
}

void say_second(int v)
{
	printk("second: value %d\n", v);
}
