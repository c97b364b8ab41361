package cli

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nascent-nas/nascent/kws"
	"github.com/nascent-nas/nascent/local"
)

// writeToneWAV writes a 16-bit mono 8 kHz WAV of n samples: a tone of
// freq hertz with a little seeded noise.
func writeToneWAV(t *testing.T, path string, n int, freq float64, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 2))
	var data bytes.Buffer
	for i := range n {
		v := 0.4*math.Sin(2*math.Pi*freq*float64(i)/8000) + 0.02*r.NormFloat64()
		binary.Write(&data, binary.LittleEndian, int16(math.Max(-1, math.Min(1, v))*32767))
	}
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("RIFF")
	binary.Write(&b, le, uint32(36+data.Len()))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(8000),
		uint32(16000), uint16(2), uint16(16)} {
		binary.Write(&b, le, v)
	}
	b.WriteString("data")
	binary.Write(&b, le, uint32(data.Len()))
	b.Write(data.Bytes())
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeFSDD writes an FSDD-layout folder in which each digit is a tone of
// its own pitch: 2 speakers x 10 digits x 20 takes.
func fakeFSDD(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	rec := filepath.Join(dir, "recordings")
	if err := os.Mkdir(rec, 0o755); err != nil {
		t.Fatal(err)
	}
	for d := range 10 {
		for s, speaker := range []string{"ann", "bob"} {
			for take := range 20 {
				name := fmt.Sprintf("%d_%s_%d.wav", d, speaker, take)
				writeToneWAV(t, filepath.Join(rec, name), 2000+100*take,
					250*float64(d+1)+10*float64(s), uint64(d*100+s*20+take))
			}
		}
	}
	return dir
}

// tinyCandidate is a small network as Hydra overrides.
var tinyCandidate = []string{
	"model.major_blocks=[{output_channels: 8, stride: 2, minor_blocks: " +
		"[{size: 3, batchnorm: true, activation: relu}]}]",
	"model.dropout_prob=0.0",
}

// TestKWSTrain trains a tiny network on a fake FSDD for six epochs and
// checks the trial protocol: a tagged report line per epoch on stdout,
// the final metrics in $NASCENT_METRICS.
func TestKWSTrain(t *testing.T) {
	data := fakeFSDD(t)
	metrics := filepath.Join(t.TempDir(), "metrics.json")
	t.Setenv("NASCENT_METRICS", metrics)
	args := append([]string{"kws", "train", "--data", data, "--epochs", "6",
		"--batch-size", "16", "--lr", "0.01", "--seed", "1", "--threads", "2",
		"--cache-dir", t.TempDir()}, tinyCandidate...)
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), args, &stdout, &stderr); code != ExitOK {
		t.Fatalf("nascent %s = exit %d, stderr:\n%s", strings.Join(args, " "), code, stderr.String())
	}

	// One report per epoch, steps 1, 2, 3.
	var steps []float64
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		rest, ok := strings.CutPrefix(line, local.ReportTag)
		if !ok {
			t.Errorf("stdout line %q is not a report", line)
			continue
		}
		var r map[string]float64
		if err := json.Unmarshal([]byte(rest), &r); err != nil {
			t.Fatalf("report %q: %v", line, err)
		}
		steps = append(steps, r["step"])
	}
	if fmt.Sprint(steps) != "[1 2 3 4 5 6]" {
		t.Errorf("report steps = %v, want [1 2 3 4 5 6]", steps)
	}

	// The metrics file holds every promised metric, finite.
	raw, err := os.ReadFile(metrics)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]float64
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("metrics %s: %v", raw, err)
	}
	for _, k := range []string{"val_error", "val_loss", "test_error", "weights",
		"macs", "activations", "epochs", "train_seconds"} {
		if _, ok := m[k]; !ok {
			t.Errorf("metrics lack %q: %s", k, raw)
		}
	}
	cost, err := kws.Cost(mustCandidate(t), 10)
	if err != nil {
		t.Fatal(err)
	}
	if m["weights"] != cost["weights"] || m["macs"] != cost["macs"] || m["epochs"] != 6 {
		t.Errorf("metrics weights %v, macs %v, epochs %v; want %v, %v, 6",
			m["weights"], m["macs"], m["epochs"], cost["weights"], cost["macs"])
	}
	t.Logf("metrics: %s", raw)
	// Pure tones of distinct pitches: a small network separates them.
	if m["val_error"] > 0.2 {
		t.Errorf("val_error = %v after 6 epochs on tones, want <= 0.2", m["val_error"])
	}
}

func mustCandidate(t *testing.T) map[string]any {
	t.Helper()
	v, err := kwsCandidate("", tinyCandidate)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestKWSCandidateFileAndOverrides reads a JSON candidate and overrides
// one key of it.
func TestKWSCandidateFileAndOverrides(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.json")
	blocks := `{"major_blocks": [{"output_channels": 4, "minor_blocks": [{"size": 5}]}], "dropout_prob": 0.5}`
	if err := os.WriteFile(path, []byte(blocks), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := kwsCandidate(path, []string{"dropout_prob=0.25"})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := kws.ParseSpec(v)
	if err != nil {
		t.Fatal(err)
	}
	if spec.DropoutProb != 0.25 || len(spec.Blocks) != 1 || spec.Blocks[0].OutputChannels != 4 {
		t.Errorf("candidate = %+v, want dropout 0.25 and one 4-channel block", spec)
	}
}

func TestKWSTrainErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "fsdd")
	badYAML := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(badYAML, []byte("major_blocks: [1, 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NASCENT_DATA", "")
	t.Setenv("NASCENT_CONFIG", "")
	for _, c := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"no data flag", tinyCandidate, ExitUsage, []string{"--data", kws.FSDDURL}},
		{"missing data", append([]string{"--data", missing}, tinyCandidate...),
			ExitNotFound, []string{missing, kws.FSDDURL}},
		{"no candidate", []string{"--data", missing}, ExitUsage, []string{"no candidate"}},
		{"missing config", []string{"--data", missing, "--config", missing + ".yaml"},
			ExitNotFound, []string{missing + ".yaml"}},
		{"bad config", []string{"--data", missing, "--config", badYAML},
			ExitUsage, []string{badYAML}},
		{"bad override", []string{"--data", missing, "major_blocks=[{"},
			ExitUsage, []string{"major_blocks=[{"}},
		{"bad candidate", []string{"--data", missing, "major_blocks=[]"},
			ExitUsage, []string{"major_blocks"}},
		{"bad epochs", append([]string{"--data", missing, "--epochs", "0"}, tinyCandidate...),
			ExitUsage, []string{"--epochs"}},
		{"bad layout", append([]string{"--data", missing, "--layout", "timit"}, tinyCandidate...),
			ExitUsage, []string{"timit"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"kws", "train"}, c.args...)
			code := Run(context.Background(), args, &stdout, &stderr)
			if code != c.code {
				t.Errorf("exit code = %d, want %d; stderr: %s", code, c.code, stderr.String())
			}
			for _, w := range c.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr %q does not mention %q", stderr.String(), w)
				}
			}
		})
	}
}
