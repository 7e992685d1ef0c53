/*
 * vos-sim: simulated CUCM + IM/P clusters over real SSH and TLS, for
 * certregen's end-to-end tests and demo.  One process serves every node
 * of one or more cluster files (--cluster FILE --state DIR, repeated:
 * each cluster its own state directory, event log, faults and trust):
 * it listens on each node's loopback address, hands each connection to a
 * thread, writes DIR/ready once every listener of every cluster is up,
 * re-reads each DIR/faults.conf on SIGHUP and exits cleanly on SIGTERM.
 * docs/simulator.md describes the files.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <libssh/libssh.h>
#include <libxml/parser.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "sim-cluster.h"
#include "sim-events.h"
#include "sim-fault.h"
#include "sim-ssh.h"
#include "sim-state.h"
#include "sim-tls.h"
#include "sim-util.h"

#define MAIN_MAX_CONNS 1024
#define MAIN_STOP_WAIT_MS 5000
#define MAIN_TICK_MS 50
#define MAIN_MAX_CLUSTERS 16

enum { KIND_SSH = -1 };     /* else an enum sim_port */

struct listener {
	int fd;
	struct sim_cluster *cl;
	struct sim_node *node;
	int kind;
	int port;
};

struct job {
	struct sim_cluster *cl;
	struct sim_node *node;
	int kind;
	int fd;
	ssh_session session;
	int slot;
};

/*
 * The open connections, so that shutdown can wake their threads, and the
 * threads that serve them.  Threads are joinable: the main thread joins
 * each one after it said it is done (main_reap), and at exit before it
 * frees what the threads used.  A detached thread may still be running
 * its thread-exit handlers (OpenSSL's per-thread state: error queue,
 * DRBGs) while the process exits and OPENSSL_cleanup() deletes their
 * keys; that state then leaks (LeakSanitizer saw it under load).
 */
struct conn {
	int used;
	int fd;             /* -1 once the thread no longer uses it */
	int done;           /* the thread is finishing: join it */
	int has_thread;
	pthread_t tid;
};

static pthread_mutex_t main_conns_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t main_conns_cond = PTHREAD_COND_INITIALIZER;
static struct conn main_conns[MAIN_MAX_CONNS];
static int main_nactive;

static void
main_usage(FILE *fp)
{
	fputs("usage: vos-sim --cluster FILE --state DIR "
	    "[--cluster FILE --state DIR ...]\n"
	    "Serve the simulated cluster of FILE; keep keys, certificates,\n"
	    "the event log and the readiness files in DIR.  Each further\n"
	    "pair adds an independent cluster to the same process (at most\n"
	    "16); the Nth --state belongs to the Nth --cluster.\n"
	    "SIGHUP re-reads every DIR/faults.conf; SIGTERM stops.\n", fp);
}

/* Join the threads that are done and free their slots (main thread). */
static void
main_reap(void)
{
	int i;

	pthread_mutex_lock(&main_conns_lock);
	for (i = 0; i < MAIN_MAX_CONNS; i++)
		if (main_conns[i].used && main_conns[i].done) {
			/* After main_conn_done() the thread only returns
			 * (and runs its thread-exit handlers): quick. */
			if (main_conns[i].has_thread)
				pthread_join(main_conns[i].tid, NULL);
			memset(&main_conns[i], 0, sizeof main_conns[i]);
			main_conns[i].fd = -1;
		}
	pthread_mutex_unlock(&main_conns_lock);
}

static int
main_conn_add(int fd)
{
	int i;

	main_reap();
	pthread_mutex_lock(&main_conns_lock);
	for (i = 0; i < MAIN_MAX_CONNS; i++)
		if (!main_conns[i].used) {
			memset(&main_conns[i], 0, sizeof main_conns[i]);
			main_conns[i].used = 1;
			main_conns[i].fd = fd;
			main_nactive++;
			break;
		}
	pthread_mutex_unlock(&main_conns_lock);
	return i < MAIN_MAX_CONNS ? i : -1;
}

static void
main_conn_forget(int slot)
{
	pthread_mutex_lock(&main_conns_lock);
	main_conns[slot].fd = -1;
	pthread_mutex_unlock(&main_conns_lock);
}

/* The connection's thread is about to return (or never started). */
static void
main_conn_done(int slot)
{
	pthread_mutex_lock(&main_conns_lock);
	main_conns[slot].fd = -1;
	main_conns[slot].done = 1;
	main_nactive--;
	pthread_cond_broadcast(&main_conns_cond);
	pthread_mutex_unlock(&main_conns_lock);
}

static void *
main_job(void *arg)
{
	struct job *j = arg;
	int slot = j->slot;

	if (j->kind == KIND_SSH) {
		sshd_run(j->cl, j->node, j->session);
		main_conn_forget(slot);
		ssh_disconnect(j->session);
		ssh_free(j->session);
	} else {
		tls_run(j->cl, j->node, j->kind, j->fd);
		main_conn_forget(slot);
	}
	free(j);
	main_conn_done(slot);
	return NULL;
}

static int
main_listen(const char *ip, int port)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		return -1;
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(fd, 64) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
main_accept(struct listener *l)
{
	struct sim_cluster *cl = l->cl;
	struct sockaddr_in peer;
	socklen_t plen = sizeof peer;
	char addr[64];
	pthread_t tid;
	struct job *j;
	int fd, slot, one = 1;

	fd = accept4(l->fd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* The CLI writes small pieces (echo, prompts, pager stops) and so
	 * do the XMPP preambles: no Nagle delay behind the peer's delayed
	 * ACK.  A failure only costs latency. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if ((j = calloc(1, sizeof *j)) == NULL) {
		close(fd);
		return;
	}
	j->cl = cl;
	j->node = l->node;
	j->kind = l->kind;
	j->fd = fd;
	if ((j->slot = main_conn_add(fd)) < 0) {
		close(fd);
		free(j);
		return;
	}
	if (l->kind == KIND_SSH) {
		snprintf(addr, sizeof addr, "%s:%u", inet_ntoa(peer.sin_addr),
		    ntohs(peer.sin_port));
		events_emit(cl, "connect", json_pack("{s:s,s:s,s:i}", "node",
		    l->node->name, "peer", addr, "port", l->port));
		if ((j->session = sshd_accept(cl, l->node, fd)) == NULL) {
			slot = j->slot;
			free(j);
			main_conn_done(slot);
			return;
		}
	}
	slot = j->slot;
	/* The slot holds the tid before main_reap() can look at it: only
	 * this thread reaps. */
	if (pthread_create(&tid, NULL, main_job, j) != 0) {
		main_conn_forget(slot);
		if (j->session != NULL)
			ssh_free(j->session);
		else
			close(fd);
		free(j);
		main_conn_done(slot);
		return;
	}
	pthread_mutex_lock(&main_conns_lock);
	main_conns[slot].tid = tid;
	main_conns[slot].has_thread = 1;
	pthread_mutex_unlock(&main_conns_lock);
}

static int
main_nodes_json(struct sim_cluster *cl)
{
	json_t *a = json_array();
	char p[4300];
	size_t i;
	int k, r;

	for (i = 0; i < cl->nnodes; i++) {
		struct sim_node *n = &cl->nodes[i];
		json_t *ports = json_object(), *roles = json_array(), *methods =
		    json_array();

		for (k = 0; k < PORT_COUNT; k++)
			if (n->ports[k] > 0)
				json_object_set_new(ports, sim_port_name(k),
				    json_integer(n->ports[k]));
		json_array_append_new(roles, json_string(n->product == SIM_CUCM
		    ? (n->cucm_pub ? "cucm-publisher" : "cucm-subscriber") :
		    (n->db_pub ? "imp-publisher" : "imp-subscriber")));
		if (n->db_pub)
			json_array_append_new(roles, json_string("db-publisher"));
		if (n->methods & SIM_AUTH_PASSWORD)
			json_array_append_new(methods, json_string("password"));
		if (n->methods & SIM_AUTH_KBDINT)
			json_array_append_new(methods,
			    json_string("keyboard-interactive"));
		if (n->methods & SIM_AUTH_PUBKEY)
			json_array_append_new(methods, json_string("publickey"));
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:i,s:o,s:s,"
		    "s:s,s:s,s:o,s:s,s:s,s:s,s:o,s:s,s:s?}",
		    "name", n->name, "fqdn", n->fqdn, "ip", n->ip,
		    "ssh_port", n->ssh_port, "tls_ports", ports,
		    "product", n->product == SIM_IMP ? "imp" : "cucm",
		    "cucm_role", n->cucm_pub ? "publisher" : "subscriber",
		    "db_role", n->db_pub ? "publisher" : "subscriber",
		    "roles", roles, "version", n->version,
		    "user", n->user, "password", n->password ? n->password : "",
		    "methods", methods, "host_key", sshd_host_key_line(n),
		    "group", n->group >= 0 ? cl->groups[n->group].name :
		    NULL));
	}
	r = sim_path(p, sizeof p, "%s/nodes.json", cl->statedir);
	if (r == 0)
		r = json_dump_file(a, p, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ?
		    ERR_IO : 0;
	json_decref(a);
	return r;
}

static void
main_stop_conns(void)
{
	int64_t until = sim_now_ms() + MAIN_STOP_WAIT_MS;
	int i;

	pthread_mutex_lock(&main_conns_lock);
	for (i = 0; i < MAIN_MAX_CONNS; i++)
		if (main_conns[i].used && main_conns[i].fd >= 0)
			shutdown(main_conns[i].fd, SHUT_RDWR);
	while (main_nactive > 0 && sim_now_ms() < until) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&main_conns_cond, &main_conns_lock, &ts);
	}
	pthread_mutex_unlock(&main_conns_lock);
	/* Every thread that said it is done has returned: nothing of
	 * theirs runs while main frees the cluster and OpenSSL cleans up. */
	main_reap();
}

/* Two clusters of one process must not share a listener. */
static int
main_overlap(const struct sim_cluster *a, const struct sim_cluster *b)
{
	size_t i, k;
	int pa, pb, x, y, bad = 0;

	for (i = 0; i < a->nnodes; i++)
		for (k = 0; k < b->nnodes; k++) {
			const struct sim_node *m = &a->nodes[i],
			    *n = &b->nodes[k];

			if (strcmp(m->ip, n->ip) != 0)
				continue;
			for (x = -1; x < PORT_COUNT; x++)
				for (y = -1; y < PORT_COUNT; y++) {
					pa = x < 0 ? m->ssh_port : m->ports[x];
					pb = y < 0 ? n->ssh_port : n->ports[y];
					if (pa <= 0 || pa != pb)
						continue;
					fprintf(stderr, "vos-sim: %s: node %s "
					    "and node %s of %s share %s:%d\n",
					    b->file, n->name, m->name, a->file,
					    n->ip, pa);
					bad = 1;
				}
		}
	return bad;
}

/* Load a cluster file, take its state directory: 0, or 1 after a
 * message. */
static int
main_open(struct sim_cluster *cl, const char *file, const char *state,
    int *lockfd, int *loaded)
{
	char p[4300], pid[32], *abs;

	if (sim_mkdirs(state, 0755) != 0 || (abs = realpath(state, NULL)) ==
	    NULL) {
		fprintf(stderr, "vos-sim: cannot create %s: %s\n", state,
		    strerror(errno));
		return 1;
	}
	if (sim_cluster_load(cl, file) != 0) {
		free(abs);
		return 1;
	}
	*loaded = 1;
	snprintf(cl->statedir, sizeof cl->statedir, "%s", abs);
	free(abs);

	/* One simulator per state directory (flock is per open file: a
	 * directory given twice to this process is refused as well). */
	sim_path(p, sizeof p, "%s/vos-sim.pid", cl->statedir);
	if ((*lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0 ||
	    flock(*lockfd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "vos-sim: another simulator uses %s\n",
		    cl->statedir);
		/* Not ours: its ready file stays. */
		if (*lockfd >= 0)
			close(*lockfd);
		*lockfd = -1;
		return 1;
	}
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(*lockfd, 0) != 0 || write(*lockfd, pid, strlen(pid)) < 0)
		fprintf(stderr, "vos-sim: cannot write %s\n", p);
	sim_path(p, sizeof p, "%s/ready", cl->statedir);
	unlink(p);
	sim_path(p, sizeof p, "%s/events.jsonl", cl->statedir);
	{
		size_t len = 0;
		char *old = sim_read_file(p, (size_t)256 << 20, &len);

		cl->restarted = old != NULL && len > 0;
		free(old);
	}
	return 0;
}

/* State, host keys, TLS context, the log's opening: 0, or 1 after a
 * message. */
static int
main_prepare(struct sim_cluster *cl)
{
	char p[4300];
	size_t i;

	if (state_init(cl) != 0)
		return 1;
	for (i = 0; i < cl->nnodes; i++)
		if (sshd_node_init(cl, &cl->nodes[i]) != 0)
			return 1;
	if (tls_init(cl) != 0) {
		fprintf(stderr, "vos-sim: cannot make a TLS context\n");
		return 1;
	}
	sim_path(p, sizeof p, "%s/events.jsonl", cl->statedir);
	if (events_open(cl, p) != 0) {
		fprintf(stderr, "vos-sim: cannot open %s\n", p);
		return 1;
	}
	state_emit_opening(cl);
	return 0;
}

/* Open every listener of cl at ls + *nls: 0, or 1 after a message. */
static int
main_listeners(struct sim_cluster *cl, struct listener *ls, size_t *nls)
{
	size_t i;
	int k;

	for (i = 0; i < cl->nnodes; i++) {
		struct sim_node *n = &cl->nodes[i];

		for (k = -1; k < PORT_COUNT; k++) {
			int port = k < 0 ? n->ssh_port : n->ports[k];
			struct listener *l = &ls[*nls];

			if (port <= 0)
				continue;
			l->cl = cl;
			l->node = n;
			l->kind = k < 0 ? KIND_SSH : k;
			l->port = port;
			if ((l->fd = main_listen(n->ip, port)) < 0) {
				fprintf(stderr, "vos-sim: %s: cannot listen on "
				    "%s:%d: %s\n", n->name, n->ip, port,
				    strerror(errno));
				return 1;
			}
			(*nls)++;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	/* Static: threads still running at exit keep them reachable. */
	static struct sim_cluster cls[MAIN_MAX_CLUSTERS];
	const char *files[MAIN_MAX_CLUSTERS], *states[MAIN_MAX_CLUSTERS];
	int lockfd[MAIN_MAX_CLUSTERS], loaded[MAIN_MAX_CLUSTERS];
	struct listener *ls = NULL;
	struct pollfd *pfd = NULL;
	char p[4300], pid[32];
	sigset_t set;
	size_t i, k, nls = 0, nfiles = 0, nstates = 0, ncl = 0, nmax = 0;
	int c, sfd = -1, rc = 1;

	while ((c = getopt_long(argc, argv, "c:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (nfiles == MAIN_MAX_CLUSTERS) {
				fprintf(stderr, "vos-sim: at most %d "
				    "clusters\n", MAIN_MAX_CLUSTERS);
				return 2;
			}
			files[nfiles++] = optarg;
			break;
		case 's':
			if (nstates == MAIN_MAX_CLUSTERS) {
				fprintf(stderr, "vos-sim: at most %d "
				    "clusters\n", MAIN_MAX_CLUSTERS);
				return 2;
			}
			states[nstates++] = optarg;
			break;
		case 'h': main_usage(stdout); return 0;
		default: main_usage(stderr); return 2;
		}
	}
	if (nfiles == 0 || nfiles != nstates || optind != argc) {
		main_usage(stderr);
		return 2;
	}
	for (i = 0; i < MAIN_MAX_CONNS; i++)
		main_conns[i].fd = -1;
	for (i = 0; i < MAIN_MAX_CLUSTERS; i++) {
		lockfd[i] = -1;
		loaded[i] = 0;
	}
	for (ncl = 0; ncl < nfiles; ncl++) {
		int bad = main_open(&cls[ncl], files[ncl], states[ncl],
		    &lockfd[ncl], &loaded[ncl]);

		if (loaded[ncl]) {
			for (k = 0; k < ncl; k++)
				bad |= main_overlap(&cls[k], &cls[ncl]);
			nmax += cls[ncl].nnodes;
		}
		if (bad) {
			ncl++;
			goto out;
		}
	}

	/* Signals go to signalfd; threads inherit the mask. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) {
		fprintf(stderr, "vos-sim: signalfd: %s\n", strerror(errno));
		goto out;
	}

	ssh_init();
	for (i = 0; i < ncl; i++)
		if (main_prepare(&cls[i]) != 0)
			goto out;

	ls = calloc(nmax * (PORT_COUNT + 1), sizeof *ls);
	pfd = calloc(nmax * (PORT_COUNT + 1) + 1, sizeof *pfd);
	if (ls == NULL || pfd == NULL)
		goto out;
	for (i = 0; i < ncl; i++)
		if (main_listeners(&cls[i], ls, &nls) != 0)
			goto out;
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	for (i = 0; i < ncl; i++) {
		state_emit_serves(&cls[i]);
		if (main_nodes_json(&cls[i]) != 0) {
			fprintf(stderr, "vos-sim: cannot write nodes.json\n");
			goto out;
		}
	}
	/* Ready only once every cluster listens. */
	for (i = 0; i < ncl; i++) {
		sim_path(p, sizeof p, "%s/ready", cls[i].statedir);
		if (sim_write_file(p, pid, strlen(pid), 0644) != 0) {
			fprintf(stderr, "vos-sim: cannot write %s\n", p);
			goto out;
		}
	}

	for (i = 0; i < nls; i++) {
		pfd[i].fd = ls[i].fd;
		pfd[i].events = POLLIN;
	}
	pfd[nls].fd = sfd;
	pfd[nls].events = POLLIN;
	while (!sim_stop) {
		/* A tick for services that settle on their own. */
		if (poll(pfd, nls + 1, MAIN_TICK_MS) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < ncl; i++)
			state_settle(&cls[i]);
		main_reap();
		if (pfd[nls].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof si) == sizeof si) {
				if (si.ssi_signo != SIGHUP)
					sim_stop = 1;
				for (i = 0; i < ncl && !sim_stop; i++)
					fault_reload(&cls[i]);
			}
		}
		for (i = 0; i < nls && !sim_stop; i++)
			if (pfd[i].revents & POLLIN)
				main_accept(&ls[i]);
	}
	rc = 0;
out:
	sim_stop = 1;
	for (i = 0; i < nls; i++)
		close(ls[i].fd);
	for (i = 0; i < ncl; i++)
		if (loaded[i] && lockfd[i] >= 0) {
			sim_path(p, sizeof p, "%s/ready", cls[i].statedir);
			unlink(p);
		}
	main_stop_conns();
	if (main_nactive > 0)
		fprintf(stderr, "vos-sim: %d connections still open at exit\n",
		    main_nactive);
	if (main_nactive == 0) {
		/* Threads are gone: their data may go too. */
		for (i = 0; i < ncl; i++) {
			if (!loaded[i])
				continue;
			events_close(&cls[i]);
			tls_free(&cls[i]);
			for (k = 0; k < cls[i].nnodes; k++)
				sshd_node_free(&cls[i].nodes[k]);
			sim_cluster_free(&cls[i]);
		}
		ssh_finalize();
		xmlCleanupParser();
	}
	free(ls);
	free(pfd);
	if (sfd >= 0)
		close(sfd);
	for (i = 0; i < ncl; i++)
		if (lockfd[i] >= 0)
			close(lockfd[i]);
	return rc;
}
