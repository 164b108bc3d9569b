/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The signed index of one kernel in one feed of a patch repository
 * (<feed>/<kernel-sha1>/index, Documentation/formats.md): every level with
 * its release time, patch type and the SHA-256 of its patchset file, a
 * serial that grows with every rewrite, and an expiry.
 *
 * Also the client's choice of a level (latest, delayed, sticky, patch
 * type) and its checks of freshness and rollback. Functions returning int
 * give 0, or -1 with a reason in err.
 */
#ifndef _KCARE_LOADER_INDEX_H
#define _KCARE_LOADER_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define KCL_INDEX_FORMAT	1
#define KCL_INDEX_MAX_SIZE	(1u << 20)
#define KCL_INDEX_MAX_LEVELS	4096
/* Sticky dates reach this far back. */
#define KCL_STICKY_MAX_DAYS	60

struct kcl_index_level {
	unsigned int level;		/* strictly increasing in the index */
	char id[49];
	time_t release_time;
	char patch_type[8];		/* default | extra | free */
	unsigned char sha256[32];	/* of the patchset file */
	bool withdrawn;			/* removed: files gone, number kept */
};

struct kcl_index {
	unsigned int format;
	char kernel_sha1[41];
	char feed[33];			/* "" (default) or e.g. "test" */
	unsigned long long serial;
	time_t generated, expires;
	struct kcl_index_level *levels;
	size_t n;
};

struct kcl_keyring;

/*
 * The index file is the text of kcl_index_format() followed by the line
 * "signature: KEYID SIG" (16 and 128 hex) over every byte before it; it
 * is the last line and the only one starting with "signature:". The whole
 * file is at most KCL_INDEX_MAX_SIZE bytes.
 */
/* The index's last line: this prefix, the key id, a space, the signature. */
#define KCL_INDEX_SIG_PREFIX	"signature: "
#define KCL_INDEX_SIG_LINE_LEN	(sizeof(KCL_INDEX_SIG_PREFIX) - 1 + 16 + 1 + 128 + 1)

/* Parse the unsigned text (the bytes before the signature line). */
int kcl_index_parse(const char *text, size_t len, struct kcl_index *ix,
		    char *err, size_t errlen);
char *kcl_index_format(const struct kcl_index *ix);	/* malloc'd */
void kcl_index_free(struct kcl_index *ix);
/*
 * Check the signature line of the index file @text against @kr; on success
 * *body_len is the length of the signed text, for kcl_index_parse().
 */
int kcl_index_verify(const struct kcl_keyring *kr, const char *text,
		     size_t len, size_t *body_len, char *err, size_t errlen);

/* What a client last accepted for this kernel and feed (its state file). */
struct kcl_index_seen {
	unsigned long long serial;
	unsigned int max_level;		/* highest level number listed */
};

/* How far in the future an index's generated time may be (clock skew). */
#define KCL_INDEX_MAX_SKEW	(24 * 3600)

/*
 * A verified index may be used only if it is for @kernel_sha1, not
 * expired at @now, and neither older (serial) nor shorter (max level)
 * than what was seen; each failure has its own message.
 */
int kcl_index_check(const struct kcl_index *ix, const char *kernel_sha1,
		    const char *feed, time_t now,
		    const struct kcl_index_seen *seen, char *err,
		    size_t errlen);

/*
 * A client's own clock check: @ix was generated at most
 * KCL_INDEX_MAX_SKEW after @now. Apart from kcl_index_check(), whose @now
 * the publisher's "select --now" sets to any moment to simulate a client.
 */
int kcl_index_check_generated(const struct kcl_index *ix, time_t now,
			      char *err, size_t errlen);

struct kcl_select {
	const char *patch_type;		/* client's: default, extra or free */
	unsigned int delay_hours;	/* 0, or 12/24/48: only older levels */
	time_t sticky_until;		/* 0, or only levels released before */
};

/*
 * PREFIX as kcare.conf has it: "" (default feed), "test" (the test feed)
 * or "12h", "24h", "48h" (default feed, delayed). Other values: a feed name
 * of [a-z0-9-]; "12h"-like values other than 12/24/48 are refused.
 */
int kcl_prefix_parse(const char *prefix, char *feed, size_t feedlen,
		     unsigned int *delay_hours, char *err, size_t errlen);
/*
 * STICKY_PATCH=DDMMYY: levels released on that UTC day or before. DDMMYY
 * is six digits, a real date of the year 20YY, or DDMMYYYY eight. With D
 * the day's 00:00:00Z and N the 00:00:00Z of @now's UTC day, it is
 * accepted when N - KCL_STICKY_MAX_DAYS * 86400 <= D < N (today is not:
 * the seed pins to yesterday at the latest; exactly 60 days back is
 * allowed, 61 is not). Sets *until
 * to D + 86400, the first second of the next day.
 */
int kcl_sticky_parse(const char *ddmmyy, time_t now, time_t *until,
		     char *err, size_t errlen);
/*
 * The newest level that is not withdrawn, whose type the client accepts
 * (its own type or "default"), released at least delay_hours before @now
 * and before sticky_until. NULL when none; *why then says why.
 */
const struct kcl_index_level *kcl_index_select(const struct kcl_index *ix,
					       const struct kcl_select *sel,
					       time_t now, char *why,
					       size_t whylen);

#endif /* _KCARE_LOADER_INDEX_H */
