/*
 * kafka-mock: a Kafka wire-protocol test cluster (librdkafka's mock cluster) driven by line
 * commands on stdin. See README.md next to this file for usage and the command list.
 *
 * Protocol: prints one line `BOOTSTRAP host:port,...` when the cluster is up, then answers every
 * stdin line with exactly one line, `OK [detail]` or `ERR <message>`, in order. Exits on EOF on
 * stdin, `quit`, SIGTERM or SIGINT (and on Linux when the parent process dies).
 *
 * Build: tools/kafka-mock/build.sh  (cc -O2 -o kafka-mock kafka-mock.c -lrdkafka)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_LINE 4096
#define MAX_ARGS 16
#define MAX_PUSHED_ERRORS 10000

static rd_kafka_mock_cluster_t *mcluster;
static int broker_count = 1;
static int signal_pipe[2] = {-1, -1};

/* Kafka protocol request names by ApiKey, so commands can say `Produce` instead of `0`. */
static const char *const api_names[] = {
    "Produce",         "Fetch",           "ListOffsets",           "Metadata",
    "LeaderAndIsr",    "StopReplica",     "UpdateMetadata",        "ControlledShutdown",
    "OffsetCommit",    "OffsetFetch",     "FindCoordinator",       "JoinGroup",
    "Heartbeat",       "LeaveGroup",      "SyncGroup",             "DescribeGroups",
    "ListGroups",      "SaslHandshake",   "ApiVersions",           "CreateTopics",
    "DeleteTopics",    "DeleteRecords",   "InitProducerId",        "OffsetForLeaderEpoch",
    "AddPartitionsToTxn", "AddOffsetsToTxn", "EndTxn",             "WriteTxnMarkers",
    "TxnOffsetCommit", "DescribeAcls",    "CreateAcls",            "DeleteAcls",
    "DescribeConfigs", "AlterConfigs",    "AlterReplicaLogDirs",   "DescribeLogDirs",
    "SaslAuthenticate", "CreatePartitions", "CreateDelegationToken", "RenewDelegationToken",
    "ExpireDelegationToken", "DescribeDelegationToken", "DeleteGroups", "ElectLeaders",
    "IncrementalAlterConfigs", "AlterPartitionReassignments", "ListPartitionReassignments",
    "OffsetDelete",
};
#define API_NAME_COUNT ((int)(sizeof(api_names) / sizeof(api_names[0])))

static void reply(const char *status, const char *fmt, ...) {
        char detail[1024] = "";
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof(detail), fmt, ap);
        va_end(ap);
        if (*detail)
                printf("%s %s\n", status, detail);
        else
                printf("%s\n", status);
        fflush(stdout);
}

#define OK(...) reply("OK", __VA_ARGS__)
#define ERR(...) reply("ERR", __VA_ARGS__)

static int parse_long(const char *s, long min, long max, long *out) {
        char *end;
        long v;
        if (!s || !*s)
                return -1;
        errno = 0;
        v     = strtol(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return -1;
        *out = v;
        return 0;
}

/* A broker id, or `all` (-1: every broker, as the mock API understands it). */
static int parse_broker(const char *s, int32_t *out) {
        long v;
        if (s && !strcasecmp(s, "all")) {
                *out = -1;
                return 0;
        }
        if (parse_long(s, 1, broker_count, &v))
                return -1;
        *out = (int32_t)v;
        return 0;
}

/* ApiKey by number or by name (case-insensitive, optional `Request` suffix). */
static int parse_api_key(const char *s, int16_t *out) {
        long v;
        size_t len;
        int i;
        if (!parse_long(s, 0, INT16_MAX, &v)) {
                *out = (int16_t)v;
                return 0;
        }
        if (!s)
                return -1;
        len = strlen(s);
        if (len > 7 && !strcasecmp(s + len - 7, "Request"))
                len -= 7;
        for (i = 0; i < API_NAME_COUNT; i++) {
                if (strlen(api_names[i]) == len && !strncasecmp(s, api_names[i], len)) {
                        *out = (int16_t)i;
                        return 0;
                }
        }
        return -1;
}

/* Error code by number (e.g. 6, -195) or by librdkafka name (NOT_LEADER_FOR_PARTITION,
 * _TRANSPORT, with or without the RD_KAFKA_RESP_ERR_ prefix). */
static int parse_error(const char *s, rd_kafka_resp_err_t *out) {
        const struct rd_kafka_err_desc *descs;
        size_t cnt, i;
        long v;
        if (!s)
                return -1;
        if (!parse_long(s, INT16_MIN, INT16_MAX, &v)) {
                *out = (rd_kafka_resp_err_t)v;
                return 0;
        }
        if (!strncasecmp(s, "RD_KAFKA_RESP_ERR_", 18))
                s += 18;
        rd_kafka_get_err_descs(&descs, &cnt);
        for (i = 0; i < cnt; i++) {
                if (descs[i].name && !strcasecmp(descs[i].name, s)) {
                        *out = descs[i].code;
                        return 0;
                }
        }
        return -1;
}

/* Parses the `<api> <count> <error>` words of push-error and broker-push-error; replies ERR
 * and returns non-zero on a bad one. */
static int parse_pushed_errors(char **words, int16_t *api, long *count, rd_kafka_resp_err_t *err) {
        if (parse_api_key(words[0], api)) {
                ERR("unknown ApiKey %s (use a number or a name such as Produce)", words[0]);
                return -1;
        }
        if (parse_long(words[1], 1, MAX_PUSHED_ERRORS, count)) {
                ERR("count must be 1..%d", MAX_PUSHED_ERRORS);
                return -1;
        }
        if (parse_error(words[2], err)) {
                ERR("unknown error code %s", words[2]);
                return -1;
        }
        return 0;
}

static void reply_result(rd_kafka_resp_err_t err, const char *fmt, ...) {
        char detail[512] = "";
        va_list ap;
        if (err) {
                ERR("%s: %s", rd_kafka_err2name(err), rd_kafka_err2str(err));
                return;
        }
        va_start(ap, fmt);
        vsnprintf(detail, sizeof(detail), fmt, ap);
        va_end(ap);
        OK("%s", detail);
}

static const char *usage_commands =
    "ping | bootstrap | broker-down <id|all> | broker-up <id|all> | brokers-down | brokers-up"
    " | rtt <id|all> <ms> | create-topic <name> <partitions> [replication]"
    " | push-error <api> <count> <error> | broker-push-error <id> <api> <count> <error> [rtt-ms]"
    " | clear-errors <api> | topic-error <topic> <error> | partition-leader <topic> <partition> <id|-1>"
    " | coordinator <group|transaction> <key> <id> | quit";

/* Returns 1 when the launcher should exit. */
static int handle_command(char *line) {
        char *argv[MAX_ARGS];
        int argc = 0;
        char *save, *tok;
        const char *cmd;
        long n, m;
        int32_t broker;
        int16_t api;
        rd_kafka_resp_err_t err;

        for (tok = strtok_r(line, " \t\r", &save); tok && argc < MAX_ARGS;
             tok = strtok_r(NULL, " \t\r", &save))
                argv[argc++] = tok;
        if (argc == 0) {
                ERR("empty command");
                return 0;
        }
        if (tok) {
                ERR("too many arguments");
                return 0;
        }
        cmd = argv[0];

#define NEED_ARGS(min, max, usage)                                                                 \
        do {                                                                                       \
                if (argc - 1 < (min) || argc - 1 > (max)) {                                        \
                        ERR("usage: %s", usage);                                                   \
                        return 0;                                                                  \
                }                                                                                  \
        } while (0)

        if (!strcmp(cmd, "ping")) {
                NEED_ARGS(0, 0, "ping");
                OK("pong");

        } else if (!strcmp(cmd, "help")) {
                OK("%s", usage_commands);

        } else if (!strcmp(cmd, "bootstrap")) {
                NEED_ARGS(0, 0, "bootstrap");
                OK("%s", rd_kafka_mock_cluster_bootstraps(mcluster));

        } else if (!strcmp(cmd, "quit") || !strcmp(cmd, "exit")) {
                OK("bye");
                return 1;

        } else if (!strcmp(cmd, "broker-down") || !strcmp(cmd, "broker-up")) {
                int down = !strcmp(cmd, "broker-down");
                NEED_ARGS(1, 1, down ? "broker-down <id|all>" : "broker-up <id|all>");
                if (parse_broker(argv[1], &broker)) {
                        ERR("broker id must be 1..%d or all", broker_count);
                        return 0;
                }
                err = down ? rd_kafka_mock_broker_set_down(mcluster, broker)
                           : rd_kafka_mock_broker_set_up(mcluster, broker);
                reply_result(err, "%s %s", argv[1], down ? "down" : "up");

        } else if (!strcmp(cmd, "brokers-down") || !strcmp(cmd, "brokers-up")) {
                int down = !strcmp(cmd, "brokers-down");
                NEED_ARGS(0, 0, cmd);
                err = down ? rd_kafka_mock_broker_set_down(mcluster, -1)
                           : rd_kafka_mock_broker_set_up(mcluster, -1);
                reply_result(err, "all %s", down ? "down" : "up");

        } else if (!strcmp(cmd, "rtt")) {
                NEED_ARGS(2, 2, "rtt <id|all> <ms>");
                if (parse_broker(argv[1], &broker)) {
                        ERR("broker id must be 1..%d or all", broker_count);
                        return 0;
                }
                if (parse_long(argv[2], 0, 3600 * 1000, &n)) {
                        ERR("rtt must be 0..3600000 ms");
                        return 0;
                }
                reply_result(rd_kafka_mock_broker_set_rtt(mcluster, broker, (int)n), "%s %ldms",
                             argv[1], n);

        } else if (!strcmp(cmd, "create-topic")) {
                NEED_ARGS(2, 3, "create-topic <name> <partitions> [replication]");
                if (parse_long(argv[2], 1, 10000, &n)) {
                        ERR("partitions must be 1..10000");
                        return 0;
                }
                m = broker_count < 3 ? broker_count : 3;
                if (argc > 3 && parse_long(argv[3], 1, broker_count, &m)) {
                        ERR("replication must be 1..%d (the broker count)", broker_count);
                        return 0;
                }
                reply_result(rd_kafka_mock_topic_create(mcluster, argv[1], (int)n, (int)m),
                             "%s partitions=%ld replication=%ld", argv[1], n, m);

        } else if (!strcmp(cmd, "push-error")) {
                rd_kafka_resp_err_t *errors;
                long i;
                NEED_ARGS(3, 3, "push-error <api> <count> <error>");
                if (parse_pushed_errors(&argv[1], &api, &n, &err))
                        return 0;
                errors = malloc(sizeof(*errors) * (size_t)n);
                if (!errors) {
                        ERR("out of memory");
                        return 0;
                }
                for (i = 0; i < n; i++)
                        errors[i] = err;
                rd_kafka_mock_push_request_errors_array(mcluster, api, (size_t)n, errors);
                free(errors);
                OK("%ld x %s on ApiKey %d", n, rd_kafka_err2name(err), api);

        } else if (!strcmp(cmd, "broker-push-error")) {
                long rtt = 0, i;
                NEED_ARGS(4, 5, "broker-push-error <id> <api> <count> <error> [rtt-ms]");
                if (parse_long(argv[1], 1, broker_count, &n)) {
                        ERR("broker id must be 1..%d", broker_count);
                        return 0;
                }
                broker = (int32_t)n;
                if (parse_pushed_errors(&argv[2], &api, &n, &err))
                        return 0;
                if (argc > 5 && parse_long(argv[5], 0, 3600 * 1000, &rtt)) {
                        ERR("rtt must be 0..3600000 ms");
                        return 0;
                }
                /* The API is variadic (error, rtt) tuples; one tuple per call appends to the
                 * same per-broker stack, so a loop gives `count` entries. */
                for (i = 0; i < n; i++) {
                        rd_kafka_resp_err_t r = rd_kafka_mock_broker_push_request_error_rtts(
                            mcluster, broker, api, 1, err, (int)rtt);
                        if (r) {
                                reply_result(r, "");
                                return 0;
                        }
                }
                OK("%ld x %s (rtt %ldms) on broker %d ApiKey %d", n, rd_kafka_err2name(err), rtt,
                   broker, api);

        } else if (!strcmp(cmd, "clear-errors")) {
                NEED_ARGS(1, 1, "clear-errors <api>");
                if (parse_api_key(argv[1], &api)) {
                        ERR("unknown ApiKey %s (use a number or a name such as Produce)", argv[1]);
                        return 0;
                }
                rd_kafka_mock_clear_request_errors(mcluster, api);
                OK("cleared ApiKey %d", api);

        } else if (!strcmp(cmd, "topic-error")) {
                NEED_ARGS(2, 2, "topic-error <topic> <error>");
                if (parse_error(argv[2], &err)) {
                        ERR("unknown error code %s", argv[2]);
                        return 0;
                }
                rd_kafka_mock_topic_set_error(mcluster, argv[1], err);
                OK("%s %s", argv[1], rd_kafka_err2name(err));

        } else if (!strcmp(cmd, "partition-leader")) {
                NEED_ARGS(3, 3, "partition-leader <topic> <partition> <id|-1>");
                if (parse_long(argv[2], 0, INT32_MAX, &n)) {
                        ERR("partition must be >= 0");
                        return 0;
                }
                if (parse_long(argv[3], -1, broker_count, &m) || m == 0) {
                        ERR("leader must be 1..%d or -1 (leaderless)", broker_count);
                        return 0;
                }
                reply_result(rd_kafka_mock_partition_set_leader(mcluster, argv[1], (int32_t)n,
                                                                (int32_t)m),
                             "%s[%ld] leader %ld", argv[1], n, m);

        } else if (!strcmp(cmd, "coordinator")) {
                NEED_ARGS(3, 3, "coordinator <group|transaction> <key> <id>");
                if (strcmp(argv[1], "group") && strcmp(argv[1], "transaction")) {
                        ERR("coordinator type must be group or transaction");
                        return 0;
                }
                if (parse_long(argv[3], 1, broker_count, &n)) {
                        ERR("broker id must be 1..%d", broker_count);
                        return 0;
                }
                reply_result(
                    rd_kafka_mock_coordinator_set(mcluster, argv[1], argv[2], (int32_t)n),
                    "%s %s on broker %ld", argv[1], argv[2], n);

        } else {
                ERR("unknown command %s (try help)", cmd);
        }
        return 0;
#undef NEED_ARGS
}

static void on_signal(int sig) {
        int saved = errno;
        unsigned char b = (unsigned char)sig;
        if (write(signal_pipe[1], &b, 1) < 0) {
                /* Nothing useful to do in a signal handler. */
        }
        errno = saved;
}

static void usage(FILE *out) {
        fprintf(out,
                "usage: kafka-mock [--brokers N] [--topic name:partitions[:replication]]... "
                "[--debug]\n"
                "Prints `BOOTSTRAP host:port,...`, then answers stdin commands with OK/ERR.\n"
                "Commands: %s\n",
                usage_commands);
}

struct topic_spec {
        const char *name;
        long partitions;
        long replication; /* 0: default */
};

int main(int argc, char **argv) {
        struct topic_spec topics[64];
        int topic_count = 0, debug = 0, i, done = 0;
        char errstr[512];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        char buf[MAX_LINE + 1];
        size_t buf_len = 0;
        int discarding = 0; /* inside an over-long line */
        struct sigaction sa;
        long n;

        for (i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--brokers") && i + 1 < argc) {
                        if (parse_long(argv[++i], 1, 64, &n)) {
                                fprintf(stderr, "kafka-mock: --brokers must be 1..64\n");
                                return 2;
                        }
                        broker_count = (int)n;
                } else if (!strcmp(argv[i], "--topic") && i + 1 < argc) {
                        char *spec = argv[++i], *p1, *p2;
                        if (topic_count == (int)(sizeof(topics) / sizeof(topics[0]))) {
                                fprintf(stderr, "kafka-mock: too many --topic options\n");
                                return 2;
                        }
                        p1 = strchr(spec, ':');
                        if (!p1 || p1 == spec) {
                                fprintf(stderr, "kafka-mock: --topic wants name:partitions[:replication]\n");
                                return 2;
                        }
                        *p1++ = '\0';
                        p2    = strchr(p1, ':');
                        if (p2)
                                *p2++ = '\0';
                        topics[topic_count].name        = spec;
                        topics[topic_count].replication = 0;
                        if (parse_long(p1, 1, 10000, &topics[topic_count].partitions) ||
                            (p2 && parse_long(p2, 1, 64, &topics[topic_count].replication))) {
                                fprintf(stderr, "kafka-mock: bad --topic %s\n", spec);
                                return 2;
                        }
                        topic_count++;
                } else if (!strcmp(argv[i], "--debug")) {
                        debug = 1;
                } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
                        usage(stdout);
                        return 0;
                } else {
                        usage(stderr);
                        return 2;
                }
        }

#ifdef __linux__
        /* A parent that dies without closing our stdin (or with it inherited elsewhere) must not
         * leave an orphan cluster behind. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() == 1)
                return 0;
#endif

        /* Self-pipe: the handler may run on any thread (librdkafka's included); poll() on the
         * main thread sees the byte and shuts down cleanly. */
        if (pipe(signal_pipe)) {
                perror("kafka-mock: pipe");
                return 1;
        }
        fcntl(signal_pipe[0], F_SETFD, FD_CLOEXEC);
        fcntl(signal_pipe[1], F_SETFD, FD_CLOEXEC);
        fcntl(signal_pipe[1], F_SETFL, O_NONBLOCK);
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);

        /* The mock cluster lives inside an rd_kafka_t (it needs one for bookkeeping); this
         * producer is never used to produce and stays alive until the cluster is destroyed. */
        conf = rd_kafka_conf_new();
        if (rd_kafka_conf_set(conf, "log_level", debug ? "7" : "4", errstr, sizeof(errstr)) ||
            (debug && rd_kafka_conf_set(conf, "debug", "mock,protocol", errstr, sizeof(errstr)))) {
                fprintf(stderr, "kafka-mock: %s\n", errstr);
                return 1;
        }
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "kafka-mock: rd_kafka_new: %s\n", errstr);
                return 1;
        }
        mcluster = rd_kafka_mock_cluster_new(rk, broker_count);
        if (!mcluster) {
                fprintf(stderr, "kafka-mock: failed to create the mock cluster\n");
                rd_kafka_destroy(rk);
                return 1;
        }
        for (i = 0; i < topic_count; i++) {
                long rf = topics[i].replication ? topics[i].replication
                                                : (broker_count < 3 ? broker_count : 3);
                rd_kafka_resp_err_t err;
                if (rf > broker_count) {
                        fprintf(stderr, "kafka-mock: topic %s: replication %ld > %d brokers\n",
                                topics[i].name, rf, broker_count);
                        done = 1;
                        break;
                }
                err = rd_kafka_mock_topic_create(mcluster, topics[i].name,
                                                 (int)topics[i].partitions, (int)rf);
                if (err) {
                        fprintf(stderr, "kafka-mock: topic %s: %s\n", topics[i].name,
                                rd_kafka_err2str(err));
                        done = 1;
                        break;
                }
        }

        if (!done) {
                printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
                fflush(stdout);
        }

        while (!done) {
                struct pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {signal_pipe[0], POLLIN, 0}};
                ssize_t r;
                char *nl;

                if (poll(fds, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("kafka-mock: poll");
                        break;
                }
                if (fds[1].revents)
                        break; /* SIGTERM / SIGINT / SIGHUP */
                if (!fds[0].revents)
                        continue;

                r = read(STDIN_FILENO, buf + buf_len, MAX_LINE - buf_len);
                if (r < 0) {
                        if (errno == EINTR || errno == EAGAIN)
                                continue;
                        perror("kafka-mock: read");
                        break;
                }
                if (r == 0)
                        break; /* EOF: the controlling process is gone or done */
                buf_len += (size_t)r;

                while (!done && (nl = memchr(buf, '\n', buf_len))) {
                        size_t consumed = (size_t)(nl - buf) + 1;
                        *nl             = '\0';
                        if (discarding)
                                discarding = 0;
                        else
                                done = handle_command(buf);
                        memmove(buf, nl + 1, buf_len - consumed);
                        buf_len -= consumed;
                }
                if (buf_len == MAX_LINE) {
                        /* Over-long line: answer once, drop the rest of it. */
                        if (!discarding)
                                ERR("line longer than %d bytes", MAX_LINE);
                        discarding = 1;
                        buf_len    = 0;
                }
        }

        rd_kafka_mock_cluster_destroy(mcluster);
        rd_kafka_destroy(rk);
        return 0;
}
