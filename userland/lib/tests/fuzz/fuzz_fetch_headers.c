// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of what the download code parses from the network
 * and from its staging files (userland/lib/fetch.c): response headers
 * through the header callback (status lines, Content-Length,
 * Content-Range, ETag, Last-Modified, the end of the headers and the
 * decision on the body), a .part.info file, and the masking of URLs.
 * The first byte chooses a size limit and whether a resume was asked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kc_part_info pi;
	char out[512], *s;
	size_t max;
	unsigned long long resume;

	if (!size)
		return 0;
	max = (size_t)1 << (data[0] & 31);
	resume = data[0] & 0x80 ? 1000 : 0;
	kc_fetch_parse_headers((const char *)data + 1, size - 1, max, resume);
	kc_fetch_part_info_parse((const char *)data + 1, size - 1,
				 "http://127.0.0.1/x", &pi);
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	kc_url_redact(s, out, sizeof(out));
	kc_fetch_redirect_ok(s, "http://127.0.0.1/");
	free(s);
	return 0;
}
