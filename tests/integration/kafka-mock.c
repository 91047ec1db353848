/* kafka-mock — a Kafka broker for the integration tests: librdkafka's mock
 * cluster, a real implementation of the broker protocol, with one broker on a
 * loopback port it picks itself. Prints "HOST:PORT" of the broker on one line,
 * then serves until it is killed. Built for `make check` only; no plugin links
 * librdkafka. */
#include <config.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

int main(void)
{
	char err[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_t *rk;
	rd_kafka_mock_cluster_t *cluster;
	sigset_t stop;
	int sig;

	/* Block the signals that end it before librdkafka starts its threads, so
	 * that they reach sigwait() below, and the cluster is torn down in order. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	if (rk == NULL) {
		fprintf(stderr, "kafka-mock: %s\n", err);
		return 1;
	}
	cluster = rd_kafka_mock_cluster_new(rk, 1);
	if (cluster == NULL) {
		fprintf(stderr, "kafka-mock: cannot start the mock cluster\n");
		rd_kafka_destroy(rk);
		return 1;
	}
	printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
	fflush(stdout);
	sigwait(&stop, &sig);
	rd_kafka_mock_cluster_destroy(cluster);
	rd_kafka_destroy(rk);
	return 0;
}
