#ifndef BH_TEST_SMTP_RECEIVER_H
#define BH_TEST_SMTP_RECEIVER_H

#include <stdbool.h>

/* A small SMTP receiver for tests that send mail (the notification digest): a thread on
 * 127.0.0.1 at a port the kernel picks, one session at a time, speaking what libcurl sends
 * (EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT). Each accepted message is kept, with
 * its envelope, for the test to read. Told to refuse, it answers MAIL FROM with 550, as a
 * relay that will not take the mail. */
struct smtp_receiver;

/* Starts the receiver; fails the test when it cannot. */
struct smtp_receiver *smtp_receiver_start(void);
int smtp_receiver_port(const struct smtp_receiver *s);
/* "smtp://127.0.0.1:PORT" into `out`. */
void smtp_receiver_url(const struct smtp_receiver *s, char *out, unsigned cap);
void smtp_receiver_refuse(struct smtp_receiver *s, bool refuse);
/* Messages accepted so far. */
int smtp_receiver_count(struct smtp_receiver *s);
/* Message `i` (0 first) as received after DATA, dot-unstuffed, and its envelope: a heap copy
 * each (the caller frees); `from`/`rcpt` may be NULL. NULL when there is no such message. */
char *smtp_receiver_message(struct smtp_receiver *s, int i, char **from, char **rcpt);
void smtp_receiver_stop(struct smtp_receiver *s);

#endif
