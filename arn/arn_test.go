package arn_test

import (
	"testing"

	"github.com/trustgate/trustgate/arn"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		in   string
		want arn.ARN
		ok   bool
	}{
		{"arn:aws:s3:::bucket/key:with:colons", arn.ARN{Partition: "aws", Service: "s3", Resource: "bucket/key:with:colons"}, true},
		{"arn:aws:iam::111122223333:role/path/Admin", arn.ARN{Partition: "aws", Service: "iam", Account: "111122223333", Resource: "role/path/Admin"}, true},
		{"arn:aws-cn:logs:cn-north-1:111122223333:log-group:x:*", arn.ARN{Partition: "aws-cn", Service: "logs", Region: "cn-north-1", Account: "111122223333", Resource: "log-group:x:*"}, true},
		{"arn:aws:s3::", arn.ARN{}, false},
		{"aws:s3:::bucket", arn.ARN{}, false},
		{"*", arn.ARN{}, false},
		{"", arn.ARN{}, false},
	}
	for _, tt := range tests {
		got, ok := arn.Split(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Split(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if ok && got.String() != tt.in {
			t.Errorf("Split(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestIsAccountID(t *testing.T) {
	for in, want := range map[string]bool{"111122223333": true, "11112222333": false, "1111222233334": false, "11112222333a": false, "": false} {
		if got := arn.IsAccountID(in); got != want {
			t.Errorf("IsAccountID(%q) = %v, want %v", in, got, want)
		}
	}
	if got := arn.Root("aws", "111122223333"); got != "arn:aws:iam::111122223333:root" {
		t.Errorf("Root = %q", got)
	}
}

func BenchmarkSplit(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		arn.Split("arn:aws:s3:::shared-data/reports/2026/q3.csv")
	}
}
