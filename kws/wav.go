package kws

import (
	"encoding/binary"
	"fmt"
	"os"

	"github.com/nascent-nas/nascent"
)

// Clip is decoded audio: mono samples scaled to [-1, 1) and their rate.
type Clip struct {
	// Samples holds one value per sample, the 16-bit integer divided by
	// 32768, the scaling torchaudio.load uses.
	Samples []float32
	// Rate is the sample rate in hertz.
	Rate int
}

// WAV format tags from the fmt chunk (Microsoft's mmreg.h).
const (
	wavFormatPCM        = 0x0001
	wavFormatFloat      = 0x0003
	wavFormatExtensible = 0xFFFE
)

// ReadWAV reads a 16-bit PCM mono WAV file at any sample rate. Any other
// file (stereo, 8, 24 or 32-bit, float, compressed, truncated or not a
// WAV at all) gets an error that wraps nascent.ErrInvalid and names path.
func ReadWAV(path string) (Clip, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Clip{}, err // an *fs.PathError already names the file
	}
	c, err := DecodeWAV(data)
	if err != nil {
		return Clip{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// DecodeWAV decodes a whole WAV file held in data under the same rules as
// ReadWAV. It never panics, whatever data holds.
func DecodeWAV(data []byte) (Clip, error) {
	// The RIFF header: "RIFF", a length, "WAVE". The length is not
	// trusted; chunks are bounded by the bytes actually present, so a
	// header that lies can at worst make the file look truncated.
	if len(data) < 12 {
		return Clip{}, badWAV("%d bytes, too short for a RIFF header", len(data))
	}
	if string(data[0:4]) != "RIFF" || string(data[8:12]) != "WAVE" {
		return Clip{}, badWAV("not a RIFF/WAVE file (starts %q)", printable(data[:12]))
	}

	// Walk the chunks: fmt must come before data; others are skipped.
	var f wavFormat
	haveFmt := false
	rest := data[12:]
	for len(rest) > 0 {
		if len(rest) < 8 {
			return Clip{}, badWAV("truncated chunk header at the end")
		}
		id, size := string(rest[0:4]), binary.LittleEndian.Uint32(rest[4:8])
		body := rest[8:]
		if uint64(size) > uint64(len(body)) {
			return Clip{}, badWAV("truncated: %q chunk claims %d bytes, %d present",
				printable([]byte(id)), size, len(body))
		}
		body = body[:size]
		switch id {
		case "fmt ":
			var err error
			if f, err = parseFormat(body); err != nil {
				return Clip{}, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return Clip{}, badWAV("data chunk before fmt chunk")
			}
			return decodePCM16(body, f)
		}
		// Chunks are padded to an even length.
		skip := uint64(8) + uint64(size) + uint64(size&1)
		if skip >= uint64(len(rest)) {
			break
		}
		rest = rest[skip:]
	}
	if !haveFmt {
		return Clip{}, badWAV("no fmt chunk")
	}
	return Clip{}, badWAV("no data chunk")
}

// wavFormat is the part of a fmt chunk that decoding needs.
type wavFormat struct {
	tag        uint16
	channels   int
	rate       int
	blockAlign int
	bits       int
}

// parseFormat reads a fmt chunk and accepts only 16-bit PCM mono.
func parseFormat(b []byte) (wavFormat, error) {
	if len(b) < 16 {
		return wavFormat{}, badWAV("fmt chunk of %d bytes, want at least 16", len(b))
	}
	le := binary.LittleEndian
	f := wavFormat{
		tag:        le.Uint16(b[0:2]),
		channels:   int(le.Uint16(b[2:4])),
		rate:       int(le.Uint32(b[4:8])),
		blockAlign: int(le.Uint16(b[12:14])),
		bits:       int(le.Uint16(b[14:16])),
	}

	// WAVE_FORMAT_EXTENSIBLE carries the real format as the first two
	// bytes of a GUID at offset 24 of the chunk.
	tag := f.tag
	if tag == wavFormatExtensible {
		if len(b) < 26 {
			return wavFormat{}, badWAV("extensible fmt chunk of %d bytes, want at least 26", len(b))
		}
		tag = le.Uint16(b[24:26])
	}
	switch {
	case tag == wavFormatFloat:
		return wavFormat{}, badWAV("%d-bit float samples, want 16-bit PCM", f.bits)
	case tag != wavFormatPCM:
		return wavFormat{}, badWAV("compressed or unknown format tag 0x%04x, want PCM (1)", tag)
	case f.channels != 1:
		return wavFormat{}, badWAV("%d channels, want mono", f.channels)
	case f.bits != 16:
		return wavFormat{}, badWAV("%d-bit samples, want 16-bit PCM", f.bits)
	case f.blockAlign != 2:
		return wavFormat{}, badWAV("block align %d, want 2 for 16-bit mono", f.blockAlign)
	case f.rate < MinSampleRate || f.rate > MaxSampleRate:
		return wavFormat{}, badWAV("sample rate %d Hz, want %d to %d",
			f.rate, MinSampleRate, MaxSampleRate)
	}
	return f, nil
}

// decodePCM16 scales little-endian 16-bit samples to [-1, 1).
func decodePCM16(b []byte, f wavFormat) (Clip, error) {
	if len(b)%2 != 0 {
		return Clip{}, badWAV("data chunk of %d bytes, not a whole number "+
			"of 16-bit samples", len(b))
	}
	s := make([]float32, len(b)/2)
	for i := range s {
		s[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
	}
	return Clip{Samples: s, Rate: f.rate}, nil
}

// badWAV returns an ErrInvalid error about a WAV file's content.
func badWAV(format string, args ...any) error {
	return fmt.Errorf("%w wav: %s", nascent.ErrInvalid, fmt.Sprintf(format, args...))
}

// printable replaces bytes outside printable ASCII so that garbage in a
// header cannot garble a terminal.
func printable(b []byte) string {
	r := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		r[i] = c
	}
	return string(r)
}

// FitSamples returns samples cropped or zero-padded at the end to exactly
// n values, as the reference pipeline does for its 1 s clips. It returns
// samples itself when no change is needed, else a new slice.
func FitSamples(samples []float32, n int) []float32 {
	if len(samples) == n {
		return samples
	}
	if len(samples) > n {
		return samples[:n:n]
	}
	r := make([]float32, n)
	copy(r, samples)
	return r
}
