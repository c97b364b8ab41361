package kws

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// featureVersion names the feature recipe. Change it whenever MFCC, the
// clip fitting, the listings or the cache format change, so that stale
// caches are never read.
const featureVersion = "nascent-kws-features 1: mfcc 40x40 hann 3r/100 hop r/100 " +
	"reflect htk ln(e+1e-6) dct-ii-ortho; 1s crop/pad end; fsdd 0-4/5-9; " +
	"speech commands hannah-12 silence/unknown 10%"

// cacheMagic opens every cache file.
const cacheMagic = "NASCENTKWSFEAT1\n"

// CacheDirEnv is the environment variable that overrides DefaultCacheDir.
const CacheDirEnv = "NASCENT_CACHE_DIR"

// DefaultCacheDir returns the folder for feature caches: $NASCENT_CACHE_DIR
// when set, else the "nascent/kws" folder in the user's cache directory
// ($XDG_CACHE_HOME, or ~/.cache, on Linux).
func DefaultCacheDir() (string, error) {
	if d := os.Getenv(CacheDirEnv); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("kws feature cache: %w (set %s)", err, CacheDirEnv)
	}
	return filepath.Join(d, "nascent", "kws"), nil
}

// cacheKey names the cache file of the listing l of folder dir: the
// layout, the folder's name and a hash of everything the features depend
// on (recipe version, absolute path, and every example's file, label,
// split, size and modification time).
func cacheKey(dir string, l listing) string {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s;", len(s), s) }
	field(featureVersion)
	field(dir)
	field(string(l.layout))
	field(strings.Join(l.classes, "\x00"))
	for _, e := range l.examples {
		fmt.Fprintf(h, "%d:%s;%d;%d;%d;%d;%t;%d;%g\n", len(e.rel), e.rel,
			e.label, e.split, e.size, e.mtime, e.cut, e.offset, e.gain)
	}
	return fmt.Sprintf("%s-%s-%s", l.layout, safeName(filepath.Base(dir)),
		hex.EncodeToString(h.Sum(nil)[:16]))
}

// safeName keeps letters, digits, '-' and '_' of s, for a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '-', r == '_':
			return r
		}
		return -1
	}, s)
}

// The cache file, all integers little-endian:
//
//	magic   cacheMagic
//	classes uint32 count, then each as uint32 length and bytes
//	3 times (train, validation, test):
//	        uint32 n, n int32 labels, n*NumCoeffs*NumFrames float32
//	crc     uint32 CRC-32C of everything before it
//
// Files are written to a temporary name in the same folder and renamed
// into place, so a reader sees a whole file or none, and parallel trials
// that compute the same features at once just replace one another.

// writeCache stores ds at path atomically.
func writeCache(path string, ds *Dataset) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*.feat")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()

	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	w := &cacheWriter{w: bufio.NewWriterSize(io.MultiWriter(f, crc), 1<<20)}
	w.bytes([]byte(cacheMagic))
	w.u32(uint32(len(ds.Classes)))
	for _, c := range ds.Classes {
		w.u32(uint32(len(c)))
		w.bytes([]byte(c))
	}
	for _, s := range []Split{ds.Train, ds.Val, ds.Test} {
		w.u32(uint32(len(s.Y)))
		for _, y := range s.Y {
			w.u32(uint32(int32(y)))
		}
		for _, v := range s.X {
			w.u32(math.Float32bits(v))
		}
	}
	if w.err == nil {
		w.err = w.w.Flush()
	}
	if w.err != nil {
		return w.err
	}
	if err := binary.Write(f, binary.LittleEndian, crc.Sum32()); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// cacheWriter writes little-endian values and keeps the first error.
type cacheWriter struct {
	w   *bufio.Writer
	buf [4]byte
	err error
}

func (c *cacheWriter) bytes(b []byte) {
	if c.err == nil {
		_, c.err = c.w.Write(b)
	}
}

func (c *cacheWriter) u32(v uint32) {
	binary.LittleEndian.PutUint32(c.buf[:], v)
	c.bytes(c.buf[:])
}

// readCache loads a dataset written by writeCache. A missing file gives
// an error matching fs.ErrNotExist; a damaged one another error.
func readCache(path string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	r := &cacheReader{
		r:    bufio.NewReaderSize(io.TeeReader(io.LimitReader(f, st.Size()-4), crc), 1<<20),
		left: st.Size() - 4,
	}
	ds, err := r.dataset()
	if err != nil {
		return nil, fmt.Errorf("feature cache %s: %w", path, err)
	}
	var sum uint32
	if err := binary.Read(f, binary.LittleEndian, &sum); err != nil {
		return nil, fmt.Errorf("feature cache %s: %w", path, err)
	}
	if sum != crc.Sum32() {
		return nil, fmt.Errorf("feature cache %s: checksum mismatch", path)
	}
	return ds, nil
}

// cacheReader reads the cache format, bounding every count by the bytes
// left so that a damaged file cannot make it allocate without limit.
type cacheReader struct {
	r    *bufio.Reader
	left int64
	buf  [4]byte
}

func (c *cacheReader) u32() (uint32, error) {
	if _, err := io.ReadFull(c.r, c.buf[:]); err != nil {
		return 0, err
	}
	c.left -= 4
	return binary.LittleEndian.Uint32(c.buf[:]), nil
}

// count reads a count of items of itemSize bytes each and checks that
// the file can hold them.
func (c *cacheReader) count(itemSize int64) (int, error) {
	n, err := c.u32()
	if err != nil {
		return 0, err
	}
	if int64(n)*itemSize > c.left {
		return 0, errors.New("truncated")
	}
	return int(n), nil
}

func (c *cacheReader) dataset() (*Dataset, error) {
	magic := make([]byte, len(cacheMagic))
	if _, err := io.ReadFull(c.r, magic); err != nil || string(magic) != cacheMagic {
		return nil, errors.New("not a nascent feature cache")
	}
	c.left -= int64(len(magic))

	ds := &Dataset{}
	nc, err := c.count(4)
	if err != nil {
		return nil, err
	}
	for range nc {
		n, err := c.count(1)
		if err != nil {
			return nil, err
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(c.r, b); err != nil {
			return nil, err
		}
		c.left -= int64(n)
		ds.Classes = append(ds.Classes, string(b))
	}
	for _, s := range []*Split{&ds.Train, &ds.Val, &ds.Test} {
		if err := c.split(s, len(ds.Classes)); err != nil {
			return nil, err
		}
	}
	if c.left != 0 {
		return nil, errors.New("trailing bytes")
	}
	return ds, nil
}

func (c *cacheReader) split(s *Split, classes int) error {
	const size = NumCoeffs * NumFrames
	n, err := c.count(4 * (1 + size))
	if err != nil {
		return err
	}
	s.Y = make([]int, n)
	for i := range s.Y {
		y, err := c.u32()
		if err != nil {
			return err
		}
		if int(y) >= classes {
			return fmt.Errorf("label %d of %d classes", y, classes)
		}
		s.Y[i] = int(y)
	}

	// Features in 64 KiB chunks: a float32 per 4 bytes.
	s.X = make([]float32, n*size)
	chunk := make([]byte, 1<<16)
	for off := 0; off < len(s.X); {
		k := min(len(chunk)/4, len(s.X)-off)
		if _, err := io.ReadFull(c.r, chunk[:4*k]); err != nil {
			return err
		}
		for i := range k {
			s.X[off+i] = math.Float32frombits(binary.LittleEndian.Uint32(chunk[4*i:]))
		}
		off += k
	}
	c.left -= int64(4 * len(s.X))
	return nil
}
