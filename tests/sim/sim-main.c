/*
 * vos-sim: a simulated CUCM + IM/P cluster over real SSH and TLS, for
 * certregen's end-to-end tests and demo.  One process serves every node
 * of the cluster file: it listens on each node's loopback address, hands
 * each connection to a thread, writes STATE/ready once every listener is
 * up, re-reads STATE/faults.conf on SIGHUP and exits cleanly on SIGTERM.
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

enum { KIND_SSH = -1 };     /* else an enum sim_port */

struct listener {
	int fd;
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
	fputs("usage: vos-sim --cluster FILE --state DIR\n"
	    "Serve the simulated cluster of FILE; keep keys, certificates,\n"
	    "the event log and the readiness files in DIR.\n"
	    "SIGHUP re-reads DIR/faults.conf; SIGTERM stops.\n", fp);
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
main_accept(struct sim_cluster *cl, struct listener *l)
{
	struct sockaddr_in peer;
	socklen_t plen = sizeof peer;
	char addr[64];
	pthread_t tid;
	struct job *j;
	int fd, slot;

	fd = accept4(l->fd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	if (fd < 0)
		return;
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
		events_emit("connect", json_pack("{s:s,s:s,s:i}", "node",
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

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	/* Static: threads still running at exit keep it reachable. */
	static struct sim_cluster cl;
	struct listener *ls = NULL;
	struct pollfd *pfd = NULL;
	const char *cluster = NULL, *state = NULL;
	char p[4300], pid[32], *abs = NULL;
	sigset_t set;
	size_t i, nls = 0;
	int c, k, sfd = -1, lockfd = -1, rc = 1, loaded = 0;

	while ((c = getopt_long(argc, argv, "c:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cluster = optarg; break;
		case 's': state = optarg; break;
		case 'h': main_usage(stdout); return 0;
		default: main_usage(stderr); return 2;
		}
	}
	if (cluster == NULL || state == NULL || optind != argc) {
		main_usage(stderr);
		return 2;
	}
	for (i = 0; i < MAIN_MAX_CONNS; i++)
		main_conns[i].fd = -1;
	if (sim_mkdirs(state, 0755) != 0 || (abs = realpath(state, NULL)) ==
	    NULL) {
		fprintf(stderr, "vos-sim: cannot create %s: %s\n", state,
		    strerror(errno));
		return 1;
	}
	if (sim_cluster_load(&cl, cluster) != 0) {
		free(abs);
		return 1;
	}
	loaded = 1;
	snprintf(cl.statedir, sizeof cl.statedir, "%s", abs);
	free(abs);

	/* One simulator per state directory. */
	sim_path(p, sizeof p, "%s/vos-sim.pid", cl.statedir);
	if ((lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0 ||
	    flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "vos-sim: another simulator uses %s\n",
		    cl.statedir);
		goto out;
	}
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(lockfd, 0) != 0 || write(lockfd, pid, strlen(pid)) < 0)
		fprintf(stderr, "vos-sim: cannot write %s\n", p);
	sim_path(p, sizeof p, "%s/ready", cl.statedir);
	unlink(p);
	sim_path(p, sizeof p, "%s/events.jsonl", cl.statedir);
	{
		size_t len = 0;
		char *old = sim_read_file(p, (size_t)256 << 20, &len);

		cl.restarted = old != NULL && len > 0;
		free(old);
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
	if (state_init(&cl) != 0)
		goto out;
	for (i = 0; i < cl.nnodes; i++)
		if (sshd_node_init(&cl, &cl.nodes[i]) != 0)
			goto out;
	if (tls_init(&cl) != 0) {
		fprintf(stderr, "vos-sim: cannot make a TLS context\n");
		goto out;
	}
	if (events_open(p) != 0) {
		fprintf(stderr, "vos-sim: cannot open %s\n", p);
		goto out;
	}
	state_emit_opening(&cl);

	ls = calloc(cl.nnodes * (PORT_COUNT + 1), sizeof *ls);
	pfd = calloc(cl.nnodes * (PORT_COUNT + 1) + 1, sizeof *pfd);
	if (ls == NULL || pfd == NULL)
		goto out;
	for (i = 0; i < cl.nnodes; i++) {
		struct sim_node *n = &cl.nodes[i];

		for (k = -1; k < PORT_COUNT; k++) {
			int port = k < 0 ? n->ssh_port : n->ports[k];

			if (port <= 0)
				continue;
			ls[nls].node = n;
			ls[nls].kind = k < 0 ? KIND_SSH : k;
			ls[nls].port = port;
			if ((ls[nls].fd = main_listen(n->ip, port)) < 0) {
				fprintf(stderr, "vos-sim: %s: cannot listen on "
				    "%s:%d: %s\n", n->name, n->ip, port,
				    strerror(errno));
				goto out;
			}
			nls++;
		}
	}
	state_emit_serves(&cl);
	if (main_nodes_json(&cl) != 0) {
		fprintf(stderr, "vos-sim: cannot write nodes.json\n");
		goto out;
	}
	sim_path(p, sizeof p, "%s/ready", cl.statedir);
	if (sim_write_file(p, pid, strlen(pid), 0644) != 0) {
		fprintf(stderr, "vos-sim: cannot write %s\n", p);
		goto out;
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
		state_settle(&cl);
		main_reap();
		if (pfd[nls].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof si) == sizeof si) {
				if (si.ssi_signo == SIGHUP)
					fault_reload(&cl);
				else
					sim_stop = 1;
			}
		}
		for (i = 0; i < nls && !sim_stop; i++)
			if (pfd[i].revents & POLLIN)
				main_accept(&cl, &ls[i]);
	}
	rc = 0;
out:
	sim_stop = 1;
	for (i = 0; i < nls; i++)
		close(ls[i].fd);
	if (loaded) {
		sim_path(p, sizeof p, "%s/ready", cl.statedir);
		unlink(p);
	}
	main_stop_conns();
	if (main_nactive > 0)
		fprintf(stderr, "vos-sim: %d connections still open at exit\n",
		    main_nactive);
	if (main_nactive == 0) {
		/* Threads are gone: their data may go too. */
		events_close();
		tls_free();
		if (loaded) {
			for (i = 0; i < cl.nnodes; i++)
				sshd_node_free(&cl.nodes[i]);
			sim_cluster_free(&cl);
		}
		ssh_finalize();
		xmlCleanupParser();
	}
	free(ls);
	free(pfd);
	if (sfd >= 0)
		close(sfd);
	if (lockfd >= 0)
		close(lockfd);
	return rc;
}
