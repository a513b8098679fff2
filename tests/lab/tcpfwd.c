/*
 * tcpfwd LISTEN_PORT TARGET: forwards TCP connections from 127.0.0.1:LISTEN_PORT to TARGET, a
 * port on 127.0.0.1 or unix:PATH, until killed; then every forwarded connection drops at once.
 * The multi-host test puts it in front of libvirtd's UNIX socket: a TCP listener for qemu+tcp://
 * that lives only as long as the test and can be taken away without touching libvirtd.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_PAIRS 64

static const char *unix_path;

static int connect_to(int port)
{
	if (unix_path) {
		struct sockaddr_un u = { .sun_family = AF_UNIX };
		snprintf(u.sun_path, sizeof(u.sun_path), "%s", unix_path);
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&u, sizeof(u)) < 0) {
			close(fd);
			return -1;
		}
		return fd;
	}
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: tcpfwd LISTEN_PORT TARGET_PORT|unix:PATH\n");
		return 2;
	}
	int lport = atoi(argv[1]), tport = 0;
	if (strncmp(argv[2], "unix:", 5) == 0)
		unix_path = argv[2] + 5;
	else
		tport = atoi(argv[2]);
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)lport) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 16) < 0) {
		fprintf(stderr, "tcpfwd: 127.0.0.1:%d: %s\n", lport, strerror(errno));
		return 1;
	}
	int pair[MAX_PAIRS][2], n = 0;
	char buf[65536];
	for (;;) {
		struct pollfd p[1 + 2 * MAX_PAIRS];
		p[0] = (struct pollfd){ .fd = ls, .events = POLLIN };
		for (int i = 0; i < n; i++) {
			p[1 + 2 * i] = (struct pollfd){ .fd = pair[i][0], .events = POLLIN };
			p[2 + 2 * i] = (struct pollfd){ .fd = pair[i][1], .events = POLLIN };
		}
		if (poll(p, (nfds_t)(1 + 2 * n), -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		int polled = n;	/* a pair accepted now was not in this poll */
		if (p[0].revents & POLLIN) {
			int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC), t = c >= 0 ? connect_to(tport) : -1;
			if (c >= 0 && t >= 0 && n < MAX_PAIRS) {
				pair[n][0] = c;
				pair[n][1] = t;
				n++;
			} else {
				if (c >= 0)
					close(c);
				if (t >= 0)
					close(t);
			}
		}
		for (int i = 0; i < polled; i++) {
			for (int side = 0; side < 2; side++) {
				if (!(p[1 + 2 * i + side].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				ssize_t m = read(pair[i][side], buf, sizeof(buf));
				if (m <= 0 || write(pair[i][!side], buf, (size_t)m) != m) {
					close(pair[i][0]);
					close(pair[i][1]);
					pair[i][0] = pair[i][1] = -1;
					break;
				}
			}
		}
		/* Drop the closed pairs; the poll array is rebuilt next round. */
		int k = 0;
		for (int i = 0; i < n; i++)
			if (pair[i][0] >= 0)
				pair[k][0] = pair[i][0], pair[k][1] = pair[i][1], k++;
		n = k;
	}
}
