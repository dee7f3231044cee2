package emulator

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"syscall"
)

// Transport returns an http.RoundTripper that serves requests in-process
// from the emulator: give it to stripe-go as http.Client{Transport: ...}.
func (e *Emulator) Transport() http.RoundTripper { return NewTransport(e) }

// NewTransport returns a RoundTripper calling h in-process, without a
// socket. A handler that aborts with http.ErrAbortHandler (as WithFaults does
// for "reset") makes RoundTrip fail with a connection-reset error.
func NewTransport(h http.Handler) http.RoundTripper { return &transport{h: h} }

type transport struct{ h http.Handler }

// ErrConnectionReset is the transport error of an injected connection reset.
var ErrConnectionReset = &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}

func (t *transport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	if req.Body == nil {
		req.Body = http.NoBody
	}
	rw := &memWriter{header: make(http.Header, 8), body: bytes.NewBuffer((*respBufs.Get().(*[]byte))[:0])}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler { //nolint:errorlint // sentinel panic value
				resp, err = nil, ErrConnectionReset
				return
			}
			resp, err = nil, fmt.Errorf("emulator handler panicked: %v", p)
		}
	}()
	t.h.ServeHTTP(rw, req)
	if req.Body != nil {
		_ = req.Body.Close()
	}
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	rw.header.Set("Content-Length", strconv.Itoa(rw.body.Len()))
	body := &pooledBody{buf: rw.body.Bytes()}
	body.r.Reset(body.buf)
	return &http.Response{
		Status:        statusLine(rw.status),
		StatusCode:    rw.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rw.header,
		Body:          body,
		ContentLength: int64(rw.body.Len()),
		Request:       req,
	}, nil
}

func statusLine(code int) string {
	switch code {
	case http.StatusOK:
		return "200 OK"
	case http.StatusPaymentRequired:
		return "402 Payment Required"
	}
	return strconv.Itoa(code) + " " + http.StatusText(code)
}

// respBufs holds the buffers of answers: an answer's body goes back to the
// pool when the client closes it, as stripe-go does once it has read it
// (a new buffer for every answer was a twentieth of a payment's garbage).
var respBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// pooledBody is an answer's body, read from a pooled buffer until Close.
type pooledBody struct {
	r      bytes.Reader
	buf    []byte
	closed bool
}

func (b *pooledBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, errBodyClosed
	}
	return b.r.Read(p)
}

func (b *pooledBody) Close() error {
	if !b.closed {
		b.closed = true
		if cap(b.buf) <= maxPooledScratch {
			buf := b.buf[:0]
			respBufs.Put(&buf)
		}
		b.buf = nil
		b.r.Reset(nil)
	}
	return nil
}

var errBodyClosed = errors.New("emulator: read on closed response body")

// memWriter is a minimal ResponseWriter collecting the response in memory.
type memWriter struct {
	header http.Header
	status int
	body   *bytes.Buffer
}

func (m *memWriter) Header() http.Header { return m.header }

func (m *memWriter) WriteHeader(code int) {
	if m.status == 0 {
		m.status = code
	}
}

func (m *memWriter) Write(b []byte) (int, error) {
	if m.status == 0 {
		m.status = http.StatusOK
	}
	return m.body.Write(b)
}

// IsConnectionReset reports whether err is an (injected) connection reset.
func IsConnectionReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }
