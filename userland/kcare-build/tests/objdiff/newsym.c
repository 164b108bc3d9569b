/* A fix that brings a new helper and a new static variable. */
extern int do_read(int fd);

#ifdef FIX
static int read_errors;

static __attribute__((noinline)) int checked_read(int fd)
{
	int r = do_read(fd);

	if (r < 0)
		read_errors++;
	return r;
}
#endif

int reader(int fd)
{
#ifdef FIX
	return checked_read(fd);
#else
	return do_read(fd);
#endif
}
