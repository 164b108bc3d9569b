// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: GET /metrics, in Prometheus's text format (version
 * 0.0.4): the machines by state and the feeds' levels, read from the
 * store at each scrape (the same for every node of a server), and this
 * process's own request counts and latencies (each node its own: scrape
 * every node). http.c reports every answered request here.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "fleet.h"
#include "metrics.h"

#define EP_MET_ROUTES	64
#define EP_SILENT_HOURS	24

static const double ep_buckets[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
};
#define EP_NBUCKETS	ARRAY_SIZE(ep_buckets)

struct ep_met_route {
	const char *name;		/* the route table's, never freed */
	unsigned long long by_class[5];	/* 1xx .. 5xx */
	unsigned long long bucket[EP_NBUCKETS];
	unsigned long long count;
	double sum;
};

static pthread_mutex_t ep_met_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ep_met_route ep_met[EP_MET_ROUTES];
static unsigned int ep_nmet;
static unsigned long long ep_checkins;

void ep_metrics_observe(const char *route, unsigned int status, double seconds)
{
	struct ep_met_route *r = NULL;
	unsigned int i;

	pthread_mutex_lock(&ep_met_lock);
	for (i = 0; i < ep_nmet; i++)
		if (ep_met[i].name == route || !strcmp(ep_met[i].name, route)) {
			r = &ep_met[i];
			break;
		}
	if (!r && ep_nmet < EP_MET_ROUTES) {
		r = &ep_met[ep_nmet++];
		r->name = route;
	}
	if (r) {
		if (status >= 100 && status < 600)
			r->by_class[status / 100 - 1]++;
		for (i = 0; i < EP_NBUCKETS; i++)
			if (seconds <= ep_buckets[i])
				r->bucket[i]++;
		r->count++;
		r->sum += seconds;
	}
	if (status == 200 && !strcmp(route, "checkin"))
		ep_checkins++;
	pthread_mutex_unlock(&ep_met_lock);
}

static void ep_met_requests(FILE *f)
{
	unsigned int i, j;

	fprintf(f, "# HELP kcare_eportal_checkins_total Check-ins this process recorded.\n"
		"# TYPE kcare_eportal_checkins_total counter\n");
	pthread_mutex_lock(&ep_met_lock);
	fprintf(f, "kcare_eportal_checkins_total %llu\n", ep_checkins);
	fprintf(f, "# HELP kcare_eportal_requests_total Requests this process answered, by route and status class.\n"
		"# TYPE kcare_eportal_requests_total counter\n");
	for (i = 0; i < ep_nmet; i++)
		for (j = 0; j < 5; j++)
			if (ep_met[i].by_class[j])
				fprintf(f, "kcare_eportal_requests_total{route=\"%s\",code=\"%uxx\"} %llu\n",
					ep_met[i].name, j + 1, ep_met[i].by_class[j]);
	fprintf(f, "# HELP kcare_eportal_request_duration_seconds Time from a request's headers to its answer, by route.\n"
		"# TYPE kcare_eportal_request_duration_seconds histogram\n");
	for (i = 0; i < ep_nmet; i++) {
		for (j = 0; j < EP_NBUCKETS; j++)
			fprintf(f, "kcare_eportal_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
				ep_met[i].name, ep_buckets[j], ep_met[i].bucket[j]);
		fprintf(f, "kcare_eportal_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
			"kcare_eportal_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
			"kcare_eportal_request_duration_seconds_count{route=\"%s\"} %llu\n",
			ep_met[i].name, ep_met[i].count, ep_met[i].name,
			ep_met[i].sum, ep_met[i].name, ep_met[i].count);
	}
	pthread_mutex_unlock(&ep_met_lock);
}

static void ep_met_fleet(FILE *f, const struct ep_fleet *fl)
{
	size_t i;
	int st;

	fprintf(f, "# HELP kcare_eportal_machines Registered machines by state: silent (no check-in for %d hours), behind (below the highest level of their key's feed for their kernel), current.\n"
		"# TYPE kcare_eportal_machines gauge\n", EP_SILENT_HOURS);
	for (st = 0; st < EP_M_NSTATES; st++)
		fprintf(f, "kcare_eportal_machines{state=\"%s\"} %lu\n",
			ep_mstate_name(st), fl->by_state[st]);
	fprintf(f, "# HELP kcare_eportal_keys Registration keys.\n"
		"# TYPE kcare_eportal_keys gauge\n"
		"kcare_eportal_keys %lu\n", fl->keys);
	fprintf(f, "# HELP kcare_eportal_feed_level Highest patch level a feed shows for a kernel.\n"
		"# TYPE kcare_eportal_feed_level gauge\n");
	for (i = 0; i < fl->nlevels; i++)
		fprintf(f, "kcare_eportal_feed_level{feed=\"%s\",kernel=\"%s\"} %u\n",
			ep_feed_label(fl->levels[i].feed), fl->levels[i].kernel,
			fl->levels[i].level);
}

void ep_api_metrics(struct ep_ctx *ctx, const struct ep_request *rq,
		    struct ep_response *rs)
{
	struct ep_fleet fl;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	rc = ep_fleet_scan(ctx->store, ctx->now, EP_SILENT_HOURS, &fl, NULL, NULL);
	if (rc) {
		ep_fleet_free(&fl);
		fprintf(stderr, "%s: metrics: %s\n", ep_prog, ctx->store->err);
		ep_reply_error(rs, 500, "internal error: the database failed");
		return;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		ep_fleet_free(&fl);
		ep_reply_error(rs, 500, "internal error: out of memory");
		return;
	}
	ep_met_fleet(f, &fl);
	ep_met_requests(f);
	ep_fleet_free(&fl);
	if (fclose(f)) {
		free(buf);
		ep_reply_error(rs, 500, "internal error: out of memory");
		return;
	}
	free(rs->body);
	rs->status = 200;
	rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
	rs->body = buf;
	rs->len = len;
}
