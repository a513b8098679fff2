/* netgen - send paced raw Ethernet frames (ethertype 0x88B5, no IP) into a lab guest's tap. */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ETHERTYPE_LOCAL_EXP 0x88B5 /* IEEE 802 local experimental ethertype 1 */
#define MAX_PACKETS 100000L        /* hard caps, whatever the arguments */
#define MAX_SECONDS 60.0
#define MIN_FRAME 60 /* shortest Ethernet frame without the FCS */
#define DEFAULT_FRAME MIN_FRAME
#define MAX_FRAME 9014 /* further limited by the interface's MTU + 14 */

static const char *prog = "netgen";

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [--dst MAC] [--any-interface] IFNAME PACKETS_PER_SECOND SECONDS [FRAME_BYTES]"
		" (--help for more)\n",
		prog);
	exit(1);
}

static void help(void)
{
	printf("usage: %s [--dst MAC] [--any-interface] IFNAME PACKETS_PER_SECOND SECONDS [FRAME_BYTES]\n"
	       "  sends FRAME_BYTES-byte (default %d, %d..MTU+14) Ethernet frames, ethertype 0x%04X,\n"
	       "  from 02:67:74:6c:61:62 to ff:ff:ff:ff:ff:ff (or MAC), payload zeros, evenly paced;\n"
	       "  at most %ld frames and %.0f s whatever the arguments. IFNAME must be a tap (tun\n"
	       "  driver) or veth interface unless --any-interface is given. Prints\n"
	       "  \"sent N frames (B bytes) in S s\" (plus \", M refused (REASON)\" if the kernel\n"
	       "  refused frames because a queue was full) and exits 0, or one error line and exits 1.\n",
	       prog, DEFAULT_FRAME, MIN_FRAME, ETHERTYPE_LOCAL_EXP, MAX_PACKETS, MAX_SECONDS);
	exit(0);
}

/* The one error line, then exit 1. */
static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "%s: %s%s%s\n", prog, what, detail ? ": " : "", detail ? detail : "");
	exit(1);
}

static bool parse_mac(const char *s, unsigned char mac[ETH_ALEN])
{
	unsigned int b[ETH_ALEN];
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != ETH_ALEN)
		return false;
	for (int i = 0; i < ETH_ALEN; i++)
		mac[i] = (unsigned char)b[i];
	return true;
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0 && v < 1e9))
		return false;
	*out = v;
	return true;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_until(int64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

int main(int argc, char **argv)
{
	unsigned char dst[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const unsigned char src[ETH_ALEN] = { 0x02, 0x67, 0x74, 0x6c, 0x61, 0x62 };
	static unsigned char frame[MAX_FRAME];
	bool any_interface = false;
	const char *ifname;
	long pps, frame_bytes = DEFAULT_FRAME, count, sent = 0, refused = 0;
	int refused_errno = 0;
	double seconds;
	struct ifreq ifr;
	struct ethtool_drvinfo drv = { .cmd = ETHTOOL_GDRVINFO };
	struct sockaddr_ll sll;
	int fd, argi = 1;

	while (argi < argc && strncmp(argv[argi], "--", 2) == 0) {
		if (strcmp(argv[argi], "--dst") == 0 && argi + 1 < argc) {
			if (!parse_mac(argv[argi + 1], dst))
				fail("bad --dst MAC (want xx:xx:xx:xx:xx:xx)", NULL);
			argi += 2;
		} else if (strcmp(argv[argi], "--help") == 0) {
			help();
		} else if (strcmp(argv[argi], "--any-interface") == 0) {
			any_interface = true;
			argi++;
		} else {
			usage();
		}
	}
	if (argc - argi < 3 || argc - argi > 4)
		usage();
	ifname = argv[argi];
	if (!*ifname || strlen(ifname) >= IFNAMSIZ)
		fail("bad interface name", NULL);
	if (!parse_long(argv[argi + 1], 1, 1000000, &pps))
		fail("bad PACKETS_PER_SECOND (want 1..1000000)", NULL);
	if (!parse_seconds(argv[argi + 2], &seconds))
		fail("bad SECONDS (want a number > 0)", NULL);
	if (argc - argi == 4 && !parse_long(argv[argi + 3], MIN_FRAME, MAX_FRAME, &frame_bytes))
		fail("bad FRAME_BYTES (want 60..9014)", NULL);

	if (seconds > MAX_SECONDS)
		seconds = MAX_SECONDS;
	count = (long)(pps * seconds + 0.5);
	if (count > MAX_PACKETS)
		count = MAX_PACKETS;
	if (count < 1)
		count = 1;

	/* Protocol 0: this socket only sends, it never receives a frame. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail("socket(AF_PACKET)", strerror(errno));

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
		fail(ifname, strerror(errno));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifr.ifr_ifindex;

	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		fail(ifname, strerror(errno));
	if (ifr.ifr_hwaddr.sa_family != 1 /* ARPHRD_ETHER */)
		fail(ifname, "not an Ethernet interface");

	/* Nothing may leave the machine: only a tap or veth unless told otherwise. */
	if (!any_interface) {
		ifr.ifr_data = (char *)&drv;
		if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
			fail(ifname, "cannot read its driver (SIOCETHTOOL); use --any-interface");
		drv.driver[sizeof(drv.driver) - 1] = '\0';
		if (strcmp(drv.driver, "tun") != 0 && strcmp(drv.driver, "veth") != 0)
			fail(ifname, "not a tap or veth interface; use --any-interface to send anyway");
	}

	if (ioctl(fd, SIOCGIFMTU, &ifr) < 0)
		fail(ifname, strerror(errno));
	if (frame_bytes > (long)ifr.ifr_mtu + ETH_HLEN)
		fail("FRAME_BYTES is larger than the interface's MTU + 14", NULL);

	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		fail("bind", strerror(errno));

	memcpy(frame, dst, ETH_ALEN);
	memcpy(frame + ETH_ALEN, src, ETH_ALEN);
	frame[12] = ETHERTYPE_LOCAL_EXP >> 8;
	frame[13] = ETHERTYPE_LOCAL_EXP & 0xff;

	/* Frame i goes at t0 + i * period; the run ends one period after the last. */
	const double period_ns = 1e9 / (double)pps;
	const int64_t t0 = now_ns();
	const int64_t hard_end = t0 + (int64_t)(MAX_SECONDS * 1e9);
	int64_t t_end;

	for (long i = 0; i < count; i++) {
		sleep_until(t0 + (int64_t)(i * period_ns));
		if (now_ns() >= hard_end)
			break;
		ssize_t n = send(fd, frame, (size_t)frame_bytes, MSG_DONTWAIT);
		if (n == frame_bytes) {
			sent++;
		} else if (n < 0 && (errno == ENOBUFS || errno == EAGAIN)) {
			refused++; /* a full queue: the frame is lost, keep the pace */
			refused_errno = errno;
		} else if (n < 0) {
			fail("send", strerror(errno));
		} else {
			fail("send", "short write");
		}
	}
	t_end = t0 + (int64_t)(count * period_ns);
	if (t_end > hard_end)
		t_end = hard_end;
	sleep_until(t_end);
	t_end = now_ns();
	close(fd);

	printf("sent %ld frames (%ld bytes) in %.2f s", sent, sent * frame_bytes,
	       (double)(t_end - t0) / 1e9);
	if (refused)
		printf(", %ld refused (%s)", refused, strerror(refused_errno));
	printf("\n");
	return 0;
}
