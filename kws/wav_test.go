package kws

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nascent-nas/nascent"
)

// wavSpec describes a WAV file for makeWAV; zero fields take 16-bit PCM
// mono at 8 kHz.
type wavSpec struct {
	tag      uint16
	channels uint16
	rate     uint32
	bits     uint16
	align    uint16
	extra    []byte // appended to the 16-byte fmt body
	data     []byte
}

// makeWAV encodes s as a RIFF/WAVE file with a fmt and a data chunk.
func makeWAV(s wavSpec) []byte {
	if s.tag == 0 {
		s.tag = wavFormatPCM
	}
	if s.channels == 0 {
		s.channels = 1
	}
	if s.rate == 0 {
		s.rate = 8000
	}
	if s.bits == 0 {
		s.bits = 16
	}
	if s.align == 0 {
		s.align = s.channels * s.bits / 8
	}
	var fmtBody bytes.Buffer
	le := binary.LittleEndian
	for _, v := range []any{s.tag, s.channels, s.rate,
		s.rate * uint32(s.align), s.align, s.bits} {
		binary.Write(&fmtBody, le, v)
	}
	fmtBody.Write(s.extra)

	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, le, uint32(4+8+fmtBody.Len()+8+len(s.data)))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, le, uint32(fmtBody.Len()))
	b.Write(fmtBody.Bytes())
	b.WriteString("data")
	binary.Write(&b, le, uint32(len(s.data)))
	b.Write(s.data)
	return b.Bytes()
}

// pcm16 encodes samples as little-endian 16-bit values.
func pcm16(samples ...int16) []byte {
	b := make([]byte, 2*len(samples))
	for i, v := range samples {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

func TestDecodeWAV(t *testing.T) {
	clip, err := DecodeWAV(makeWAV(wavSpec{rate: 16000, data: pcm16(0, 16384, -32768, 32767)}))
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0, 0.5, -1, 32767.0 / 32768}
	if clip.Rate != 16000 || len(clip.Samples) != len(want) {
		t.Fatalf("DecodeWAV = rate %d, %d samples; want 16000, %d",
			clip.Rate, len(clip.Samples), len(want))
	}
	for i, w := range want {
		if clip.Samples[i] != w {
			t.Errorf("sample %d = %v, want %v", i, clip.Samples[i], w)
		}
	}
}

// TestDecodeWAVExtras accepts a LIST chunk before the data, an odd-sized
// chunk with its pad byte, and WAVE_FORMAT_EXTENSIBLE with PCM inside.
func TestDecodeWAVExtras(t *testing.T) {
	w := makeWAV(wavSpec{data: pcm16(1, 2, 3)})
	// Insert an odd-length LIST chunk (3 bytes + pad) after fmt.
	at := 12 + 8 + 16
	list := []byte("LIST\x03\x00\x00\x00abc\x00")
	withList := append(append(append([]byte{}, w[:at]...), list...), w[at:]...)
	ext := make([]byte, 10)
	binary.LittleEndian.PutUint16(ext[0:], 22) // cbSize
	binary.LittleEndian.PutUint16(ext[8:], wavFormatPCM)
	extensible := makeWAV(wavSpec{tag: wavFormatExtensible, extra: ext, data: pcm16(1, 2, 3)})

	for _, c := range []struct {
		name string
		data []byte
	}{{"list chunk", withList}, {"extensible", extensible}} {
		t.Run(c.name, func(t *testing.T) {
			clip, err := DecodeWAV(c.data)
			if err != nil {
				t.Fatal(err)
			}
			if len(clip.Samples) != 3 || clip.Samples[2] != 3.0/32768 {
				t.Errorf("DecodeWAV = %v, want 3 samples ending in 3/32768", clip.Samples)
			}
		})
	}
}

func TestDecodeWAVErrors(t *testing.T) {
	good := makeWAV(wavSpec{data: pcm16(1, 2, 3, 4)})
	ext := make([]byte, 10)
	binary.LittleEndian.PutUint16(ext[8:], wavFormatFloat)
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"garbage", []byte("hello, this is not audio at all"), "not a RIFF/WAVE"},
		{"stereo", makeWAV(wavSpec{channels: 2, data: pcm16(1, 2)}), "2 channels"},
		{"8-bit", makeWAV(wavSpec{bits: 8, data: []byte{1, 2}}), "8-bit"},
		{"24-bit", makeWAV(wavSpec{bits: 24, data: make([]byte, 6)}), "24-bit"},
		{"32-bit", makeWAV(wavSpec{bits: 32, data: make([]byte, 8)}), "32-bit"},
		{"float", makeWAV(wavSpec{tag: wavFormatFloat, bits: 32, data: make([]byte, 8)}), "float"},
		{"extensible float", makeWAV(wavSpec{tag: wavFormatExtensible, bits: 32, extra: ext}), "float"},
		{"mu-law", makeWAV(wavSpec{tag: 7, bits: 8, data: []byte{1}}), "compressed"},
		{"truncated data", good[:len(good)-3], "truncated"},
		{"truncated header", good[:30], "truncated"},
		{"odd data", makeWAV(wavSpec{data: []byte{1, 2, 3}}), "whole number"},
		{"no fmt", []byte("RIFF\x0c\x00\x00\x00WAVEdata\x00\x00\x00\x00"), "before fmt"},
		{"no data", good[:12+8+16], "no data chunk"},
		{"rate zero", makeWAV(wavSpec{rate: 1, data: pcm16(1)}), "sample rate"},
		{"bad align", makeWAV(wavSpec{align: 4, data: pcm16(1, 2)}), "block align"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeWAV(c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("DecodeWAV(%s) = %v, want an error containing %q", c.name, err, c.want)
			}
			if !errors.Is(err, nascent.ErrInvalid) {
				t.Errorf("DecodeWAV(%s) = %v, want an ErrInvalid error", c.name, err)
			}
		})
	}
}

func TestReadWAVNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stereo.wav")
	if err := os.WriteFile(path, makeWAV(wavSpec{channels: 2, data: pcm16(1, 2)}), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadWAV(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadWAV(%s) = %v, want an error naming the file", path, err)
	}
	missing := filepath.Join(t.TempDir(), "missing.wav")
	if _, err := ReadWAV(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("ReadWAV(%s) = %v, want an error naming the file", missing, err)
	}
}

func TestFitSamples(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []float32
		n    int
		want []float32
	}{
		{"pad", []float32{1, 2}, 4, []float32{1, 2, 0, 0}},
		{"crop", []float32{1, 2, 3, 4, 5}, 3, []float32{1, 2, 3}},
		{"same", []float32{1, 2}, 2, []float32{1, 2}},
		{"empty", nil, 2, []float32{0, 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := FitSamples(c.in, c.n)
			if len(got) != len(c.want) {
				t.Fatalf("FitSamples(%v, %d) = %v, want %v", c.in, c.n, got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("FitSamples(%v, %d) = %v, want %v", c.in, c.n, got, c.want)
				}
			}
		})
	}
}

// FuzzDecodeWAV feeds arbitrary bytes to the header parser: it must
// never panic, and whatever it accepts must be 16-bit mono at a valid
// rate with one sample per two data bytes.
func FuzzDecodeWAV(f *testing.F) {
	f.Add(makeWAV(wavSpec{data: pcm16(1, -2, 3)}))
	f.Add(makeWAV(wavSpec{channels: 2, data: pcm16(1, 2)}))
	f.Add(makeWAV(wavSpec{tag: wavFormatExtensible, extra: make([]byte, 10)}))
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEfmt \xff\xff\xff\xff"))
	f.Add([]byte{})
	if w, err := os.ReadFile(filepath.Join("testdata", "chirp_16000.wav")); err == nil {
		f.Add(w[:200])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		clip, err := DecodeWAV(data)
		if err != nil {
			if !errors.Is(err, nascent.ErrInvalid) {
				t.Fatalf("DecodeWAV error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if clip.Rate < MinSampleRate || clip.Rate > MaxSampleRate || 2*len(clip.Samples) > len(data) {
			t.Fatalf("DecodeWAV accepted rate %d with %d samples from %d bytes",
				clip.Rate, len(clip.Samples), len(data))
		}
	})
}
