# guesttop: pkg-config driven build, tests against real guests, and the demo.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
DOCDIR ?= $(PREFIX)/share/doc/guesttop
DESTDIR ?=
BUILD ?= build
VERSION := 0.1

PKGS := ncursesw libvirt libproc2 libudev lxc
# Debian 12 packages: to build, to run the lab and the tests.
DEB_BUILD := build-essential pkg-config libncurses-dev libvirt-dev libproc2-dev libudev-dev lxc-dev check
# The fuzz targets (libFuzzer) and the valgrind run of the tests.
DEB_TEST := clang libclang-rt-14-dev valgrind
DEB_LAB := libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils lxc busybox-static xorriso tmux man-db groff-base procps jq
DEB_PACKAGES := $(DEB_BUILD) $(DEB_LAB) $(DEB_TEST)

CC ?= cc
CFLAGS ?= -O2 -g
WARNFLAGS := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wundef -Wvla -Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARNFLAGS += -Werror
endif
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
# Lazy: pkg-config runs only when a rule needs it, after `make deps` installed the packages.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DGUESTTOP_VERSION='"$(VERSION)"' -I. $(WARNFLAGS) \
	$(PKG_CFLAGS) $(SANFLAGS) $(CFLAGS) -pthread -MMD -MP
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS) -pthread
LDLIBS = $(PKG_LIBS) -lm

LIB_SRCS := $(wildcard backends/*.c widgets/*.c config/*.c) $(filter-out tui/main.c,$(wildcard tui/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/%.o)

.PHONY: all check check-build demo deps install uninstall clean lab-setup bench
all: guesttop

# libFuzzer targets for every parser: `make fuzz`, and bounded runs in check (tests/fuzz/).
include tests/fuzz/fuzz.mk

guesttop: $(BUILD)/guesttop
	@if [ "$(BUILD)" != "." ]; then cp $< $@; fi

$(BUILD)/guesttop: $(BUILD)/tui/main.o $(BUILD)/libguesttop.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libguesttop.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/unit/unit-tests: $(UNIT_OBJS) $(BUILD)/libguesttop.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs check)

# Not part of check: sort, filter and draw the table at 5,000 synthetic guests, timed (tests/bench/interact.c).
$(BUILD)/lab/interact: $(BUILD)/tests/bench/interact.o $(BUILD)/libguesttop.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# Raw Ethernet frames into a lab guest's tap, for the network tests (no IP, nothing leaves the host).
build/lab/netgen: tests/lab/netgen.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o $@ $<

# A TCP forwarder: a libvirt listener the multi-host test can take away without stopping libvirtd.
build/lab/tcpfwd: tests/lab/tcpfwd.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o $@ $<

# Install the Debian packages guesttop needs; does nothing when all are there.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "guesttop: missing packages:" $$missing "(run 'make deps' as root)" >&2; exit 1; fi; \
		echo "installing:" $$missing; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

lab-setup:
	bash tests/lab/lab.sh setup
	bash tests/lab/lab.sh images

# The tests build with AddressSanitizer and UndefinedBehaviorSanitizer, in their own tree.
# The plain build is for the valgrind run and the memory-growth test, where ASan's own memory would hide growth.
check-build:
	$(MAKE) BUILD=build/san SAN=1 build/san/guesttop build/san/tests/unit/unit-tests build/lab/netgen build/lab/tcpfwd
	$(MAKE) build/guesttop
	$(MAKE) fuzz-build

check: deps
	$(MAKE) check-build
	$(MAKE) lab-setup
	GUESTTOP=$(CURDIR)/build/san/guesttop GUESTTOP_PLAIN=$(CURDIR)/build/guesttop \
		UNIT_TESTS=$(CURDIR)/build/san/tests/unit/unit-tests bash tests/run-tests.sh

demo: deps
	$(MAKE) all
	bash tests/lab/lab.sh demo
	./guesttop

# Not part of check: CPU per refresh and peak RSS on synthetic hosts beside the pread floor, sort, filter
# and draw at 5,000 guests, and on this host with 50 idle lab guests beside virsh domstats, top and htop.
bench: all
	bash tests/bench/run.sh
	bash tests/bench/realhost.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(DOCDIR)
	install -m 755 guesttop $(DESTDIR)$(BINDIR)/guesttop
	install -m 644 man/guesttop.1 $(DESTDIR)$(MANDIR)/man1/guesttop.1
	install -m 644 config/bash-completion/guesttop $(DESTDIR)$(COMPLETIONDIR)/guesttop
	install -m 644 config/guesttop.conf.example $(DESTDIR)$(DOCDIR)/guesttop.conf.example

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/guesttop $(DESTDIR)$(MANDIR)/man1/guesttop.1 \
		$(DESTDIR)$(COMPLETIONDIR)/guesttop $(DESTDIR)$(DOCDIR)/guesttop.conf.example

clean:
	rm -rf build guesttop

-include $(LIB_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(BUILD)/tui/main.d $(BUILD)/tests/bench/interact.d
