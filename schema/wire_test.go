package schema

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestAppendHeader(t *testing.T) {
	for _, tc := range []struct {
		name string
		dst  []byte
		id   int
		want []byte
	}{
		{"zero", nil, 0, []byte{0, 0, 0, 0, 0}},
		{"one", nil, 1, []byte{0, 0, 0, 0, 1}},
		{"big endian", nil, 0x01020304, []byte{0, 1, 2, 3, 4}},
		{"confluent cloud sized", nil, 100042, []byte{0, 0, 0x01, 0x86, 0xca}},
		{"max", nil, 0xffffffff, []byte{0, 0xff, 0xff, 0xff, 0xff}},
		{"appends", []byte("ab"), 7, []byte{'a', 'b', 0, 0, 0, 0, 7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := AppendHeader(tc.dst, tc.id); !bytes.Equal(got, tc.want) {
				t.Errorf("AppendHeader(%q, %d) = %x, want %x", tc.dst, tc.id, got, tc.want)
			}
		})
	}
}

func TestParseHeader(t *testing.T) {
	for _, tc := range []struct {
		name     string
		payload  []byte
		wantID   int
		wantBody []byte
		wantErr  error
		mention  string
	}{
		{name: "nil", payload: nil, wantErr: ErrShortPayload, mention: "got 0 bytes"},
		{name: "magic only", payload: []byte{0}, wantErr: ErrShortPayload, mention: "got 1 bytes"},
		{name: "four bytes", payload: []byte{0, 0, 0, 1}, wantErr: ErrShortPayload, mention: "got 4 bytes"},
		{name: "short with bad magic is short", payload: []byte{9, 9}, wantErr: ErrShortPayload},
		{name: "magic 1", payload: []byte{1, 0, 0, 0, 1, 2}, wantErr: ErrBadMagic, mention: "0x01"},
		{name: "json payload", payload: []byte(`{"id":"sensor1"}`), wantErr: ErrBadMagic, mention: "0x7b"},
		{name: "header only", payload: []byte{0, 0, 0, 0, 42}, wantID: 42, wantBody: []byte{}},
		{name: "with body", payload: []byte{0, 0, 1, 0, 0, 0xaa, 0xbb}, wantID: 65536, wantBody: []byte{0xaa, 0xbb}},
		{name: "max id", payload: []byte{0, 0xff, 0xff, 0xff, 0xff}, wantID: 0xffffffff, wantBody: []byte{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, body, err := ParseHeader(tc.payload)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.mention) {
					t.Errorf("err %q does not mention %q", err, tc.mention)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if id != tc.wantID || !bytes.Equal(body, tc.wantBody) {
				t.Errorf("ParseHeader = %d, %x; want %d, %x", id, body, tc.wantID, tc.wantBody)
			}
		})
	}
}

func TestSentinelsDistinct(t *testing.T) {
	all := []error{ErrBadMagic, ErrShortPayload, ErrUnknownSchema, ErrTruncated, ErrTrailingBytes, ErrNotSensor, ErrMalformed}
	seen := map[string]bool{}
	for _, err := range all {
		if seen[err.Error()] {
			t.Errorf("duplicate sentinel message %q", err)
		}
		seen[err.Error()] = true
		for _, other := range all {
			if other != err && errors.Is(err, other) {
				t.Errorf("%v matches %v", err, other)
			}
		}
	}
}
