# libFuzzer targets for guesttop's parsers, built with clang in their own tree (see tests/fuzz/README.md).
# Included by the top Makefile: uses its VERSION, WARNFLAGS, PKG_CFLAGS, PKG_LIBS and LIB_SRCS.
#   make fuzz-build              build every target into build/fuzz/
#   make fuzz [FUZZ_TIME=60]     run each target FUZZ_TIME seconds, one at a time, and print a table
FUZZ_CC ?= clang
FUZZ_BUILD := build/fuzz
FUZZ_TIME ?= 60
FUZZ_TARGETS := proc-stat proc-status proc-io proc-schedstat proc-cgroup cgroup libvirt-xml \
	libvirt-stats xen openvz config record
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz-%)
FUZZ_SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# The library is instrumented for coverage without libFuzzer's main; the targets link it in.
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -DGUESTTOP_VERSION='"$(VERSION)"' -I. $(WARNFLAGS) $(PKG_CFLAGS) \
	-fsanitize=fuzzer-no-link $(FUZZ_SANFLAGS) -g -O1 -pthread -MMD -MP
# What the parsers and the code around them link against; not the console's screens.
FUZZ_LIB_SRCS := $(filter backends/%.c config/%.c tui/columns.c tui/export.c tui/model.c tui/record.c \
	widgets/sparkline.c widgets/text.c,$(LIB_SRCS))
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_MAIN_OBJS := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/tests/fuzz/fuzz-%.o)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	bash tests/fuzz/fuzz-run.sh $(FUZZ_TIME) $(FUZZ_TARGETS)

$(FUZZ_LIB_OBJS) $(FUZZ_MAIN_OBJS): $(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/libguesttop.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BINS): $(FUZZ_BUILD)/fuzz-%: $(FUZZ_BUILD)/tests/fuzz/fuzz-%.o $(FUZZ_BUILD)/libguesttop.a
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SANFLAGS) -pthread -o $@ $^ $(PKG_LIBS) -lm

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_MAIN_OBJS:.o=.d)
