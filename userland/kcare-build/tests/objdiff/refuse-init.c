/* __init code ran at boot: changing it cannot be live-patched. */
extern void setup_table(int n);

__attribute__((section(".init.text"))) int table_init(void)
{
#ifdef FIX
	setup_table(32);
#else
	setup_table(16);
#endif
	return 0;
}
