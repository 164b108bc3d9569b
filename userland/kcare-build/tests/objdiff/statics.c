/* Function-local statics with one name: GCC numbers them (count.0, count.1),
 * and a new one earlier in the file shifts the numbers. */
extern void emit(int);

#ifdef FIX
int added_first(void)
{
	static int count;

	return ++count;
}
#endif

int tick_a(void)
{
	static int count;

#ifdef FIX
	if (count > 100)
		return count;
#endif
	return ++count;
}

int tick_b(void)
{
	static int count;

	emit(count);
	return count += 2;
}
