/* Unit tests for the pure parts of ssh.c: the error map, fingerprints,
 * known_hosts names and lines, and the keyboard-interactive prompt rule. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libssh2.h>

#include "err.h"
#include "ssh.h"
#include "tap.h"

/* ssh-keygen -lf of this ED25519 public key gives this fingerprint. */
static const char ed_b64[] =
    "AAAAC3NzaC1lZDI1NTE5AAAAIFXAgr4tUHVCLWTW+8rHmXdI/80HxAVcoGFPgmPErt7i";
static const char ed_fp[] = "SHA256:2aOzQYTVuyQ+Y/pTWbxmH6EQH/q09MpX7FPZLCehwfc";

static size_t
unb64(const char *s, unsigned char *out)
{
	static const char tbl[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned v = 0;
	int bits = 0;
	size_t n = 0;

	for (; *s && *s != '='; s++) {
		v = v << 6 | (unsigned)(strchr(tbl, *s) - tbl);
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(v >> bits);
		}
	}
	return n;
}

int
main(void)
{
	unsigned char blob[128];
	char fp[SSH_FP_MAX], name[64], *line = NULL;
	size_t n;

	/* error map */
	is_int(ssh_map_error(0), 0, "0 maps to 0");
	is_int(ssh_map_error(LIBSSH2_ERROR_SOCKET_DISCONNECT), ERR_EOF,
	    "disconnect is EOF");
	is_int(ssh_map_error(LIBSSH2_ERROR_AUTHENTICATION_FAILED), ERR_AUTH,
	    "auth failed");
	is_int(ssh_map_error(LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED), ERR_AUTH,
	    "publickey unverified");
	is_int(ssh_map_error(LIBSSH2_ERROR_ALLOC), ERR_NOMEM, "alloc");
	is_int(ssh_map_error(LIBSSH2_ERROR_SOCKET_RECV), ERR_IO, "recv");
	is_int(ssh_map_error(LIBSSH2_ERROR_TIMEOUT), ERR_TIMEOUT, "timeout");
	is_int(ssh_map_error(LIBSSH2_ERROR_EAGAIN), ERR_TIMEOUT,
	    "EAGAIN at the boundary is a timeout");
	is_int(ssh_map_error(LIBSSH2_ERROR_KEX_FAILURE), ERR_SSH, "kex");
	is_int(ssh_map_error(LIBSSH2_ERROR_CHANNEL_CLOSED), ERR_EOF,
	    "channel closed");
	is_int(ssh_map_error(-9999), ERR_SSH, "unknown code is ERR_SSH");

	/* fingerprint */
	n = unb64(ed_b64, blob);
	is_int(n, 51, "ed25519 blob length");
	is_int(ssh_fp_format(blob, n, fp, sizeof fp), 0, "fingerprint ok");
	is_str(fp, ed_fp, "OpenSSH SHA256 format, no padding");
	is_int(ssh_fp_format(blob, n, fp, 20), ERR_TOOBIG, "small buffer");

	/* known_hosts names */
	is_int(ssh_kh_name("node1", 22, name, sizeof name), 0, "port 22");
	is_str(name, "node1", "port 22 is the bare name");
	ssh_kh_name("node1", 0, name, sizeof name);
	is_str(name, "node1", "port 0 means 22");
	ssh_kh_name("127.0.0.1", 2222, name, sizeof name);
	is_str(name, "[127.0.0.1]:2222", "other port is [host]:port");
	ssh_kh_name("::1", 2222, name, sizeof name);
	is_str(name, "[::1]:2222", "IPv6 with a port");
	ssh_kh_name("::1", 22, name, sizeof name);
	is_str(name, "::1", "IPv6 on 22");
	is_int(ssh_kh_name("a b", 22, name, sizeof name), ERR_INVAL,
	    "space refused");
	is_int(ssh_kh_name("a,b", 22, name, sizeof name), ERR_INVAL,
	    "comma refused");
	is_int(ssh_kh_name("|1|x", 22, name, sizeof name), ERR_INVAL,
	    "hash marker refused");
	is_int(ssh_kh_name("@revoked", 22, name, sizeof name), ERR_INVAL,
	    "marker refused");
	is_int(ssh_kh_name("", 22, name, sizeof name), ERR_INVAL, "empty");
	is_int(ssh_kh_name("verylonghostname.example.com", 65535, name, 10),
	    ERR_TOOBIG, "too long");

	/* known_hosts lines */
	is_int(ssh_kh_line("10.0.0.1", 2222, blob, n, &line), 0, "line ok");
	{
		char want[256];

		snprintf(want, sizeof want, "[10.0.0.1]:2222 ssh-ed25519 %s\n",
		    ed_b64);
		is_str(line, want, "line has name, type and key");
	}
	free(line);
	ssh_kh_line("imp1", 22, blob, n, &line);
	has_str(line, "imp1 ssh-ed25519 AAAA", "plain name on port 22");
	free(line);
	blob[3] = 200; /* type length past the blob */
	is_int(ssh_kh_line("imp1", 22, blob, n, &line), ERR_INVAL,
	    "corrupt blob refused");
	ok(line == NULL, "no line on failure");

	/* keyboard-interactive prompts */
#define P(s) s, strlen(s)
	ok(ssh_prompt_is_password(P("Password:")), "Password:");
	ok(ssh_prompt_is_password(P("password: ")), "password:");
	ok(ssh_prompt_is_password(P("admin@imp1's password:")), "user's");
	ok(ssh_prompt_is_password(P("Password for admin:")), "for admin");
	ok(ssh_prompt_is_password(P("PASSWORD:")), "upper case");
	ok(!ssh_prompt_is_password(P("New password:")), "not New password");
	ok(!ssh_prompt_is_password(P("Retype new password:")), "not retype");
	ok(!ssh_prompt_is_password(P("Password again:")), "not again");
	ok(!ssh_prompt_is_password(P("Verification code:")), "not OTP");
	ok(!ssh_prompt_is_password(P("Enter passcode:")), "not passcode");
	ok(!ssh_prompt_is_password(P("Username:")), "not username");
	ok(!ssh_prompt_is_password("", 0), "empty");
	ok(!ssh_prompt_is_password("Pass\0word:", 10), "NUL inside");
	return tap_done();
}
