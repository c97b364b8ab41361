package local

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nascent-nas/nascent"
)

// ReportTag starts a report line on a trial's stdout: the tag, one space,
// then a JSON object of numbers on the rest of the line, such as
//
//	NASCENT_REPORT {"step": 3, "val_error": 0.21}
//
// "step" (an integer) numbers the report; other keys are metrics.
const ReportTag = "NASCENT_REPORT "

// maxLine bounds the length of a line scanned for reports; longer lines
// are kept in stdout.log (within its cap) but not parsed.
const maxLine = 1 << 20

// capped writes to the file at path until limit bytes, then counts and
// drops the rest. The file is created at the first write, so that a quiet
// trial costs no file. With keepTail it remembers the last line written,
// for error messages.
type capped struct {
	mu       sync.Mutex
	path     string
	f        *os.File
	limit    int64
	written  int64
	dropped  int64
	keepTail bool
	tail     []byte
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keepTail {
		c.remember(p)
	}
	n := int64(len(p))
	room := c.limit - c.written
	if room <= 0 {
		c.dropped += n
		return len(p), nil
	}
	if n > room {
		c.dropped += n - room
		p = p[:room]
	}
	if c.f == nil {
		f, err := os.Create(c.path)
		if err != nil {
			// Nowhere to write: keep the trial going, drop the output.
			c.limit, c.dropped = c.written, c.dropped+int64(len(p))
			return int(n), nil
		}
		c.f = f
	}
	m, err := c.f.Write(p)
	c.written += int64(m)
	if err != nil {
		// A full disk must not stop the trial: drop the output.
		c.limit = c.written
	}
	return int(n), nil
}

func (c *capped) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f != nil {
		c.f.Close()
	}
}

// remember keeps the last 4 KiB written, enough for the last line.
func (c *capped) remember(p []byte) {
	c.tail = append(c.tail, p...)
	if len(c.tail) > 4096 {
		c.tail = append(c.tail[:0], c.tail[len(c.tail)-4096:]...)
	}
}

// lastLine returns ": " and the last non-empty line written, shortened to
// 200 bytes, or "" when there is none.
func (c *capped) lastLine() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(c.tail)), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if last == "" {
		return ""
	}
	if len(last) > 200 {
		last = last[:200] + "..."
	}
	return ": " + last
}

// teeLines writes stdout to its capped file and hands complete lines to
// the report scanner.
type teeLines struct {
	capped *capped
	scan   *reportScanner
}

func (t *teeLines) Write(p []byte) (int, error) {
	t.scan.write(p)
	return t.capped.Write(p)
}

// reportScanner splits stdout into lines and turns tagged ones into
// reports.
type reportScanner struct {
	job  nascent.Job
	line []byte
	long bool // the current line passed maxLine and is skipped
	seq  int64
}

func (s *reportScanner) write(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.add(p)
			return
		}
		s.add(p[:i])
		s.end()
		p = p[i+1:]
	}
}

func (s *reportScanner) add(p []byte) {
	if s.long || len(s.line)+len(p) > maxLine {
		s.long, s.line = true, s.line[:0]
		return
	}
	s.line = append(s.line, p...)
}

func (s *reportScanner) end() {
	if !s.long && s.job.Report != nil {
		if r, ok := parseReport(s.line, s.seq); ok {
			r.Trial, r.Attempt = s.job.Trial, s.job.Attempt
			s.job.Report(r)
			s.seq++
		}
	}
	s.line, s.long = s.line[:0], false
}

// flush handles a last line without a newline.
func (s *reportScanner) flush() {
	if len(s.line) > 0 {
		s.end()
	}
}

// parseReport reads a tagged line; ok is false for any other line and for
// a tagged line whose JSON is not an object of numbers.
func parseReport(line []byte, seq int64) (nascent.Report, bool) {
	line = bytes.TrimRight(line, "\r")
	rest, ok := bytes.CutPrefix(line, []byte(ReportTag))
	if !ok {
		return nascent.Report{}, false
	}
	vals, err := parseNumbers(rest)
	if err != nil {
		return nascent.Report{}, false
	}
	for k, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			delete(vals, k) // JSON, and so the store, cannot hold them
		}
	}
	if len(vals) == 0 {
		return nascent.Report{}, false
	}
	r := nascent.Report{Step: seq, Time: time.Now().UTC(), Values: vals}
	if step, ok := vals["step"]; ok && step == math.Trunc(step) && math.Abs(step) < 1<<53 {
		r.Step = int64(step)
		delete(vals, "step")
	}
	return r, true
}

// parseNumbers reads a JSON object and keeps its finite numeric values.
// Python writes NaN and Infinity unquoted, which is not JSON; they are
// read as non-finite values so that the error can say so.
func parseNumbers(data []byte) (map[string]float64, error) {
	raw := map[string]json.RawMessage{}
	if err := json.Unmarshal(pythonJSON(data), &raw); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	vals := make(map[string]float64, len(raw))
	for k, v := range raw {
		var f float64
		if err := json.Unmarshal(v, &f); err == nil {
			vals[k] = f
			continue
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			switch s {
			case nanToken:
				vals[k] = math.NaN()
			case infToken:
				vals[k] = math.Inf(1)
			case negInfToken:
				vals[k] = math.Inf(-1)
			}
		}
	}
	return vals, nil
}

// Markers that pythonJSON substitutes for Python's bare non-finite tokens.
const (
	nanToken    = "\x00NaN"
	infToken    = "\x00Infinity"
	negInfToken = "\x00-Infinity"
)

// pythonJSON rewrites the bare tokens NaN, Infinity and -Infinity outside
// strings into marked strings, leaving everything else as it is.
func pythonJSON(data []byte) []byte {
	var out []byte
	inString, escaped := false, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if c == '"' {
			inString = true
		}
		replaced := false
		for _, tok := range []string{"-Infinity", "Infinity", "NaN"} {
			if bytes.HasPrefix(data[i:], []byte(tok)) {
				out = append(out, `"\u0000`...)
				out = append(out, tok...)
				out = append(out, '"')
				i += len(tok) - 1
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, c)
		}
	}
	return out
}
