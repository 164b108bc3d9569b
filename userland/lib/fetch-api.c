// SPDX-License-Identifier: GPL-2.0
/*
 * Calls of a JSON API over the download code (fetch.h, kc_fetch_api()):
 * the same transfer, options and retries as a download into memory, with
 * a request body, and the server's refusal as the result.
 */
#include "fetch-priv.h"

int kc_fetch_api(const struct kc_fetch_opts *o, const char *url,
		  const char *json, size_t max_size, char **buf, size_t *len,
		  char *err, size_t errlen)
{
	long status;

	if (!kc_fetch_buf(o, url, json, max_size, buf, len, &status, err,
			  errlen))
		return 0;
	/*
	 * A refusal of the request itself, which no retry changes. An API
	 * tells 410 from 404 (a registration key that expired, not unknown).
	 */
	if (status == 410)
		return KC_FETCH_GONE;
	if (kc_fetch_not_found(status))
		return KC_FETCH_NOT_FOUND;
	if (status == 403)
		return KC_FETCH_FORBIDDEN;
	if (status >= 400 && status < 500 && status != 408 && status != 429)
		return KC_FETCH_REJECTED;
	return -1;
}
