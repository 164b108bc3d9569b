// SPDX-License-Identifier: GPL-2.0
/*
 * The versions of the libraries the loader is built on, reported by
 * `kcarectl --version` and `kcarectl --doctor`: a signature or download
 * problem is often a library problem.
 */
#include <stdio.h>

#include <bpf/libbpf.h>
#include <curl/curl.h>
#include <elfutils/version.h>
#include <openssl/crypto.h>
#include <seccomp.h>
#include <zlib.h>

#include "versions.h"

int kc_lib_versions(char *buf, size_t size)
{
	const struct scmp_version *scmp = seccomp_version();
	const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);

	return snprintf(buf, size,
			"libcurl %s, %s, libelf 0.%d, zlib %s, libseccomp %u.%u.%u, libbpf %s",
			curl->version, OpenSSL_version(OPENSSL_VERSION),
			_ELFUTILS_VERSION, zlibVersion(),
			scmp->major, scmp->minor, scmp->micro,
			libbpf_version_string());
}
