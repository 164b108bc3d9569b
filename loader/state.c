// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's state files (state.h): lines of blank-separated words, the
 * first words a key, rewritten whole and atomically on every change.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "util.h"

#define KCL_STATE_WORDS	4

/* Split @line into at most KCL_STATE_WORDS words; their number. */
static int kcl_state_words(char *line, char **w)
{
	char *save = NULL, *t;
	int n = 0;

	for (t = strtok_r(line, " \t\n", &save); t;
	     t = strtok_r(NULL, " \t\n", &save)) {
		if (n == KCL_STATE_WORDS)
			return -1;
		w[n++] = t;
	}
	return n;
}

static const char *kcl_feed_word(const char *feed)
{
	return feed && *feed ? feed : "-";
}

static int kcl_parse_uint(const char *s, unsigned long long max,
			  unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return *end || errno || *v > max ? -1 : 0;
}

/*
 * Find the line whose first @nkey words are @key; copy its words into @w
 * (pointing into *@buf, which the caller frees). 1 found, 0 not, -1 error.
 */
static int kcl_state_find(const char *path, const char *const *key,
			  int nkey, int nwords, char **buf, char **w,
			  char *err, size_t errlen)
{
	char *line, *save = NULL, *words[KCL_STATE_WORDS];
	bool missing;
	size_t len;
	int i, n, found = 0, no = 0;

	if (kc_read_file(path, KCL_STATE_MAX_SIZE, buf, &len, &missing, err,
			  errlen))
		return -1;
	if (missing)
		return 0;
	for (line = strtok_r(*buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		no++;
		n = kcl_state_words(line, words);
		if (n != nwords)
			return kc_fail(err, errlen,
					"%s:%d: malformed line (remove the file to start afresh)",
					path, no);
		for (i = 0; i < nkey; i++)
			if (strcmp(words[i], key[i]))
				break;
		if (i < nkey)
			continue;
		memcpy(w, words, sizeof(words));
		found = 1;
	}
	return found;
}

/* Rewrite @path without the lines keyed @key, plus @newline if not NULL. */
static int kcl_state_replace(const char *path, const char *const *key,
			     int nkey, const char *newline, char *err,
			     size_t errlen)
{
	char *buf = NULL, *out = NULL, *line, *next;
	size_t len, olen = 0;
	bool missing;
	FILE *mem;
	int i, rc;

	char dir[4096], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (kc_mkdirs(dir, 0700, err, errlen) ||
		    kc_dir_check(dir, err, errlen))
			return -1;
	}
	if (kc_read_file(path, KCL_STATE_MAX_SIZE, &buf, &len, &missing, err,
			  errlen))
		return -1;
	mem = open_memstream(&out, &olen);
	if (!mem) {
		free(buf);
		return kc_fail(err, errlen, "out of memory");
	}
	for (line = buf; line && *line; line = next) {
		const char *p = line;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		for (i = 0; i < nkey; i++) {
			size_t kl = strlen(key[i]);

			if (strncmp(p, key[i], kl) || (p[kl] != ' ' && p[kl] != '\t'))
				break;
			p += kl + 1;
		}
		if (i == nkey)
			continue;
		fprintf(mem, "%s\n", line);
	}
	if (newline)
		fputs(newline, mem);
	fclose(mem);
	free(buf);
	if (!out)
		return kc_fail(err, errlen, "out of memory");
	rc = kc_write_atomic(path, out, olen, 0600, err, errlen);
	free(out);
	return rc;
}

int kcl_seen_read(const char *path, const char *sha1, const char *feed,
		  struct kcl_index_seen *seen, char *err, size_t errlen)
{
	const char *key[2] = { sha1, kcl_feed_word(feed) };
	unsigned long long serial, max;
	char *buf = NULL, *w[KCL_STATE_WORDS];
	int rc;

	memset(seen, 0, sizeof(*seen));
	rc = kcl_state_find(path, key, 2, 4, &buf, w, err, errlen);
	if (rc == 1) {
		if (kcl_parse_uint(w[2], ~0ULL, &serial) ||
		    kcl_parse_uint(w[3], ~0U, &max)) {
			rc = kc_fail(err, errlen, "%s: malformed line for %s",
				      path, sha1);
		} else {
			seen->serial = serial;
			seen->max_level = max;
			rc = 0;
		}
	}
	free(buf);
	return rc < 0 ? -1 : 0;
}

int kcl_seen_write(const char *path, const char *sha1, const char *feed,
		   const struct kcl_index_seen *seen, char *err, size_t errlen)
{
	const char *key[2] = { sha1, kcl_feed_word(feed) };
	char line[160];

	snprintf(line, sizeof(line), "%s %s %llu %u\n", sha1, key[1],
		 seen->serial, seen->max_level);
	return kcl_state_replace(path, key, 2, line, err, errlen);
}

int kcl_applied_read(const char *path, const char *sha1,
		     struct kcl_applied *a, char *err, size_t errlen)
{
	const char *key[1] = { sha1 };
	char *buf = NULL, *w[KCL_STATE_WORDS];
	unsigned long long level;
	int rc;

	memset(a, 0, sizeof(*a));
	rc = kcl_state_find(path, key, 1, 3, &buf, w, err, errlen);
	if (rc == 1) {
		if (kcl_parse_uint(w[2], ~0U, &level) || !level ||
		    strlen(w[1]) >= sizeof(a->feed)) {
			rc = kc_fail(err, errlen, "%s: malformed line for %s",
				      path, sha1);
		} else {
			a->level = level;
			if (strcmp(w[1], "-"))
				strcpy(a->feed, w[1]);
			rc = 0;
		}
	}
	free(buf);
	return rc < 0 ? -1 : 0;
}

int kcl_applied_write(const char *path, const char *sha1,
		      const struct kcl_applied *a, char *err, size_t errlen)
{
	const char *key[1] = { sha1 };
	char line[160];

	if (a)
		snprintf(line, sizeof(line), "%s %s %u\n", sha1,
			 kcl_feed_word(a->feed), a->level);
	return kcl_state_replace(path, key, 1, a ? line : NULL, err, errlen);
}
