package emulator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
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
	rw := &memWriter{header: make(http.Header, 8)}
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
	return &http.Response{
		Status:        strconv.Itoa(rw.status) + " " + http.StatusText(rw.status),
		StatusCode:    rw.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rw.header,
		Body:          io.NopCloser(bytes.NewReader(rw.body.Bytes())),
		ContentLength: int64(rw.body.Len()),
		Request:       req,
	}, nil
}

// memWriter is a minimal ResponseWriter collecting the response in memory.
type memWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
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
