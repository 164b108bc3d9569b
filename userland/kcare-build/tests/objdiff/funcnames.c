/* __func__ strings are objects GCC numbers (__func__.0, __func__.1): a new
 * function before the others shifts the numbers, not the contents. */
extern void log_fn(const char *fn);

#ifdef FIX
void added(void)
{
	log_fn(__func__);
}
#endif

void first(void)
{
	log_fn(__func__);
}

void second(void)
{
	log_fn(__func__);
}
