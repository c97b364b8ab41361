package study

import "testing"

func TestWithNotes(t *testing.T) {
	tests := []struct {
		name, reason, notes string
		attempt             int
		want                string
	}{
		{name: "first attempt", reason: "exit status 3", attempt: 1, want: "exit status 3"},
		{name: "same reason twice", reason: "exit status 3", notes: "attempt 1: exit status 3",
			attempt: 2, want: "exit status 3 (all 2 attempts)"},
		{name: "same reason thrice", reason: "oom",
			notes: "attempt 1: oom; attempt 2: oom", attempt: 3, want: "oom (all 3 attempts)"},
		{name: "different reasons", reason: "oom", notes: "attempt 1: exit status 1",
			attempt: 2, want: "oom (earlier: attempt 1: exit status 1)"},
		{name: "one of two differs", reason: "oom",
			notes: "attempt 1: oom; attempt 2: timeout", attempt: 3,
			want: "oom (earlier: attempt 1: oom; attempt 2: timeout)"},
		{name: "no reason", notes: "attempt 1: oom", attempt: 2, want: "attempt 1: oom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withNotes(tt.reason, tt.notes, tt.attempt); got != tt.want {
				t.Errorf("withNotes(%q, %q, %d) = %q, want %q",
					tt.reason, tt.notes, tt.attempt, got, tt.want)
			}
		})
	}
}
