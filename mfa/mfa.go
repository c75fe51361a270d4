// Package mfa is the one-time-code side of virtual MFA devices: TOTP as
// AWS's devices speak it (RFC 6238: 30-second steps from the Unix epoch,
// 6 digits, HMAC-SHA1), and the check STS makes when a caller proves MFA,
// each code accepted once. IAM manages the devices; STS asks here.
package mfa

import (
	"context"
	"crypto/subtle"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

var codePattern = regexp.MustCompile(`^[0-9]{6}$`)

// Period is the TOTP time step.
const Period = 30 * time.Second

// Step is the TOTP time step of t.
func Step(t time.Time) int64 {
	return t.Unix() / int64(Period/time.Second)
}

// Code is a device's code for time step.
func Code(seed string, step int64) (string, error) {
	return hotp.GenerateCodeCustom(seed, uint64(step), hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// Matches reports, in constant time, whether code is the device's
// code for step.
func Matches(seed string, step int64, code string) bool {
	want, err := Code(seed, step)
	return err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1
}

// Errors of Use.
var (
	// ErrDevice: the serial number is not an MFA device enabled for
	// the user.
	ErrDevice = errors.New("not an MFA device enabled for the user")
	// ErrCode: the code is not the device's for the current time step
	// or an adjacent one, or a code of that step or a later one was
	// accepted already.
	ErrCode = errors.New("invalid MFA one-time code")
)

// Use authenticates userName of account with a code from its
// enabled virtual MFA device serial, at time now, as STS does for
// AssumeRole and GetSessionToken: the code must be the device's for the
// current time step or the one before or after it (clock drift), and of a
// later step than any code the device gave before, which it then becomes,
// so that a code is accepted once only (RFC 6238 §5.2). The device is
// IAM's; STS asks here. Returns ErrDevice, ErrCode, or a store error.
func Use(ctx context.Context, st store.Store, account, userName, serial, code string, now time.Time) error {
	if userName == "" {
		return ErrDevice
	}
	d, err := st.MFADevice(ctx, account, serial)
	if errors.Is(err, trustgate.ErrNotFound) || (err == nil && !strings.EqualFold(d.UserName, userName)) {
		return ErrDevice
	}
	if err != nil {
		return err
	}
	if !codePattern.MatchString(code) {
		return ErrCode
	}
	current := Step(now)
	for _, step := range []int64{current, current - 1, current + 1} {
		if step <= d.LastUsedStep || !Matches(d.Seed, step, code) {
			continue
		}
		err := st.UseMFACode(ctx, account, d.SerialNumber, step)
		if errors.Is(err, trustgate.ErrConflict) {
			return ErrCode // another request used it first
		}
		return err
	}
	return ErrCode
}
