/* A structure grows: every object the running kernel has keeps the old
 * layout. */
struct conn {
	int fd;
#ifdef FIX
	int retries;
#endif
	long bytes;
};

long conn_bytes(struct conn *c)
{
	return c->bytes;
}
