/*
 * err: the one error table of certregen.  Reusable modules return 0 or a
 * negative ERR_* value and never print; err_str() gives the text.
 */
#ifndef CERTREGEN_ERR_H
#define CERTREGEN_ERR_H

/* X(name, text) -- the order fixes the numbers; append only. */
#define ERR_TABLE(X)                                                        \
	X(ERR_OK, "success")                                                \
	X(ERR_NOMEM, "out of memory")                                       \
	X(ERR_INVAL, "invalid argument")                                    \
	X(ERR_IO, "input/output error")                                     \
	X(ERR_TOOBIG, "value too large")                                    \
	X(ERR_CONFIG, "configuration error")                                \
	X(ERR_PARSE, "unexpected output")                                   \
	X(ERR_NOTFOUND, "not found")                                        \
	X(ERR_TIMEOUT, "timed out")                                         \
	X(ERR_EOF, "connection closed by peer")                             \
	X(ERR_CONNECT, "cannot connect")                                    \
	X(ERR_RESOLVE, "cannot resolve host name")                          \
	X(ERR_SSH, "SSH protocol error")                                    \
	X(ERR_HOSTKEY_UNKNOWN, "host key not known")                        \
	X(ERR_HOSTKEY_CHANGED, "host key has changed")                      \
	X(ERR_AUTH, "authentication failed")                                \
	X(ERR_CLI, "command failed on the node")                            \
	X(ERR_DIALOG, "dialog error")                                       \
	X(ERR_BUFFER_FULL, "output buffer full")                            \
	X(ERR_TLS, "TLS error")                                             \
	X(ERR_CRYPTO, "certificate or key error")                           \
	X(ERR_HTTP, "HTTP error")                                           \
	X(ERR_AXL, "AXL request failed")                                    \
	X(ERR_LOCKED, "another run holds the lock")                         \
	X(ERR_REFUSED, "refused by a safety rule")                          \
	X(ERR_JOURNAL, "journal error")                                     \
	X(ERR_INTERRUPTED, "interrupted")                                   \
	X(ERR_VERIFY, "verification failed")                                \
	X(ERR_PERM, "permission problem")

#define ERR_ENUM_(name, text) name##_IDX_,
enum err_index_ { ERR_TABLE(ERR_ENUM_) ERR_COUNT_ };
#undef ERR_ENUM_

/* The public values are negative: ERR_NOMEM == -1, ... */
#define ERR_DEFINE_(name, text) enum { name = -(int)name##_IDX_ };
ERR_TABLE(ERR_DEFINE_)
#undef ERR_DEFINE_

/* The text for an error code (0 or negative); never NULL. */
const char *err_str(int err);

/* The symbolic name ("ERR_TIMEOUT") for JSON and journals; never NULL. */
const char *err_name(int err);

#endif
