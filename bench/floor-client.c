/* floor-client — the least a verified check can cost, for bench/instructions.sh:
 * start, load one CA file, complete one TLS handshake to ADDRESS:PORT in which
 * GnuTLS verifies the chain and NAME, exit 0 when both verified. Nothing else:
 * no output beyond one line, no certificate read twice, no judgement. */
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_session_t session = NULL;
	struct sockaddr_in sa;
	int fd = -1, rc = 1, ret;

	if (argc != 5) {
		fprintf(stderr, "usage: %s ADDRESS PORT CAFILE NAME\n", argv[0]);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1)
		return 2;
	if (gnutls_certificate_allocate_credentials(&cred) < 0 ||
	    gnutls_certificate_set_x509_trust_file(cred, argv[3], GNUTLS_X509_FMT_PEM) < 0 ||
	    gnutls_init(&session, GNUTLS_CLIENT) < 0 || gnutls_set_default_priority(session) < 0 ||
	    gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred) < 0 ||
	    gnutls_server_name_set(session, GNUTLS_NAME_DNS, argv[4], strlen(argv[4])) < 0)
		goto out;
	gnutls_session_set_verify_cert(session, argv[4], 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto out;
	gnutls_transport_set_int(session, fd);
	do
		ret = gnutls_handshake(session);
	while (ret < 0 && gnutls_error_is_fatal(ret) == 0);
	if (ret < 0) {
		fprintf(stderr, "handshake: %s\n", gnutls_strerror(ret));
		goto out;
	}
	printf("verified\n");
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (session != NULL)
		gnutls_deinit(session);
	if (cred != NULL)
		gnutls_certificate_free_credentials(cred);
	return rc;
}
