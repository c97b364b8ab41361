package local

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperEnv marks a run of this test binary as a fake trial program: the
// tests launch the binary itself, which then behaves as its first
// argument says, instead of running tests.
const helperEnv = "NASCENT_LOCAL_TEST_HELPER=1"

func TestMain(m *testing.M) {
	if os.Getenv("NASCENT_LOCAL_TEST_HELPER") == "1" {
		os.Exit(helper(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// helper is a trial program with one behaviour per mode.
func helper(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "helper: no mode")
		return 2
	}
	metrics := os.Getenv("NASCENT_METRICS")
	write := func(s string) {
		if err := os.WriteFile(metrics, []byte(s), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(9)
		}
	}
	switch args[0] {
	case "ok":
		fmt.Println("training")
		fmt.Println(`NASCENT_REPORT {"step": 1, "loss": 0.5}`)
		fmt.Println(`NASCENT_REPORT {"step": 2, "loss": 0.25}`)
		write(`{"loss": 0.25, "note": "text is ignored"}`)
	case "env":
		env := map[string]string{}
		for _, k := range []string{"NASCENT_TRIAL_ID", "NASCENT_TRIAL_DIR", "NASCENT_CONFIG",
			"NASCENT_METRICS", "NASCENT_STUDY", "NASCENT_ATTEMPT", "CUDA_VISIBLE_DEVICES", "EXTRA"} {
			env[k] = os.Getenv(k)
		}
		env["args"] = strings.Join(args[1:], "\x1f")
		cfg, _ := os.ReadFile(os.Getenv("NASCENT_CONFIG"))
		env["config"] = string(cfg)
		b, _ := json.Marshal(env)
		os.WriteFile(os.Getenv("NASCENT_TRIAL_DIR")+"/env.json", b, 0o644)
		write(`{"loss": 1}`)
	case "exit3":
		fmt.Fprintln(os.Stderr, "out of memory, giving up")
		return 3
	case "oomkilled":
		// What the kernel's out-of-memory killer does. (Go catches
		// SIGSEGV itself and exits with status 2.)
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		time.Sleep(time.Second)
	case "hang":
		time.Sleep(time.Hour)
	case "stubborn":
		// Ignores SIGTERM: only SIGKILL ends it.
		signal.Ignore(syscall.SIGTERM)
		fmt.Println("ready")
		time.Sleep(time.Hour)
	case "garbage":
		write(`loss: 0.5 (this is not JSON)`)
	case "nan":
		write(`{"loss": NaN}`)
	case "inf":
		write(`{"loss": -Infinity}`)
	case "string":
		write(`{"loss": "0.5"}`)
	case "missing":
		write(`{"accuracy": 0.9}`)
	case "nometrics":
	case "flood":
		line := strings.Repeat("x", 1023) + "\n"
		for i := 0; i < 8<<10; i++ { // 8 MiB
			os.Stdout.WriteString(line)
		}
		fmt.Println(`NASCENT_REPORT {"step": 7, "loss": 0.1}`)
		write(`{"loss": 0.1}`)
	case "grandchild":
		// Starts a child that outlives it, holding stdout open.
		os.Setenv("NASCENT_LOCAL_TEST_HELPER", "1")
		p, err := os.StartProcess(os.Args[0], []string{os.Args[0], "hang"},
			&os.ProcAttr{Files: []*os.File{nil, os.Stdout, os.Stderr}})
		if err != nil {
			return 7
		}
		os.WriteFile(os.Getenv("NASCENT_TRIAL_DIR")+"/grandchild.pid", []byte(fmt.Sprint(p.Pid)), 0o644)
		write(`{"loss": 2}`)
	default:
		fmt.Fprintln(os.Stderr, "helper: unknown mode", args[0])
		return 2
	}
	return 0
}
