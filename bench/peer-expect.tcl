# peer-expect.tcl: Tcl Expect (Debian's expect) on stdin with the patterns
# of bench/expect-bench.c.  Expect takes the first pattern of its list that
# matches anywhere in the buffer, so the patterns are one alternation (the
# earliest match wins, as in certregen's engine); it loops over service
# lines until the prompt and prints `lines L pager P`.
log_user 0
match_max 65536
set timeout 30
set lines 0
set pager 0
set re {Press <enter> for 1 line, <space> for one page, or <q> to quit|[Ee]xecuted command unsuccessfully|admin:|[A-Za-z][A-Za-z ]*\[ ?(?:STARTED|STOPPED|STARTING|STOPPING)}
expect_user {
	-re $re {
		set m $expect_out(0,string)
		if {[string match "Press <enter>*" $m]} {
			incr pager
			exp_continue
		} elseif {[string match "admin:" $m]} {
		} elseif {[string match {[Ee]xecuted*} $m]} {
			puts stderr "peer-expect: the failure trailer"
			exit 1
		} else {
			incr lines
			exp_continue
		}
	}
	timeout { puts stderr "peer-expect: timeout"; exit 1 }
	eof { puts stderr "peer-expect: eof before the prompt"; exit 1 }
}
puts "lines $lines pager $pager"
