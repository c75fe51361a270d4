package iamapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"regexp"

	"github.com/pquerna/otp"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/mfa"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/query"
)

// mfaSeedSize is the size of a virtual device's seed, as AWS's: 40 bytes
// (64 base32 characters).
const mfaSeedSize = 40

// MaxMFADevicesPerUser is IAM's quota of MFA devices per user.
const MaxMFADevicesPerUser = 8

// Parameter shapes of the MFA actions.
var (
	serialPattern   = regexp.MustCompile(`^[\w+=/:,.@-]+$`)
	authCodePattern = regexp.MustCompile(`^[0-9]{6}$`) // as mfa.Use checks
)

// serialNumber reads the required SerialNumber parameter.
func serialNumber(c *Call) (string, *query.Error) {
	if !c.Request.Has("SerialNumber") {
		return "", query.MissingParameter("SerialNumber")
	}
	v := c.Request.Get("SerialNumber")
	switch {
	case len(v) < 9:
		return "", query.InvalidMember(v, "serialNumber", "Member must have length greater than or equal to 9")
	case len(v) > 256:
		return "", query.InvalidMember(v, "serialNumber", "Member must have length less than or equal to 256")
	case !serialPattern.MatchString(v):
		return "", query.InvalidMember(v, "serialNumber", `Member must satisfy regular expression pattern: [\w+=/:,.@-]+`)
	}
	return v, nil
}

// authCode reads a required six-digit authentication code parameter.
func authCode(c *Call, param string) (string, *query.Error) {
	if !c.Request.Has(param) {
		return "", query.MissingParameter(param)
	}
	v := c.Request.Get(param)
	member := "authenticationCode" + param[len(param)-1:]
	switch {
	case len(v) < 6:
		return "", query.InvalidMember(v, member, "Member must have length greater than or equal to 6")
	case len(v) > 6:
		return "", query.InvalidMember(v, member, "Member must have length less than or equal to 6")
	case !authCodePattern.MatchString(v):
		return "", query.InvalidMember(v, member, `Member must satisfy regular expression pattern: [\d]+`)
	}
	return v, nil
}

// virtualMFADevice is the VirtualMFADevice element of IAM's responses.
// The seed and QR code are base64, as the Query protocol sends blobs; they
// are returned by CreateVirtualMFADevice only.
type virtualMFADevice struct {
	SerialNumber     string
	Base32StringSeed string `xml:",omitempty"`
	QRCodePNG        string `xml:",omitempty"`
	User             *user  `xml:",omitempty"`
	EnableDate       string `xml:",omitempty"`
}

// mfaDevice is the MFADevice element of ListMFADevices.
type mfaDevice struct {
	UserName     string
	SerialNumber string
	EnableDate   string
}

func (s *Service) createVirtualMFADevice(ctx context.Context, c *Call) (any, *query.Error) {
	n, err := name(c, "VirtualMFADeviceName", 226)
	if err != nil {
		return nil, err
	}
	p, err := path(c)
	if err != nil {
		return nil, err
	}
	serial := "arn:aws:iam::" + c.Principal.Account + ":mfa" + p + n
	if err := s.authorize(ctx, c, "iam:CreateVirtualMFADevice", serial); err != nil {
		return nil, err
	}
	raw := make([]byte, mfaSeedSize)
	if _, e := rand.Read(raw); e != nil {
		return nil, internal(e)
	}
	d := &trustgate.MFADevice{
		Account: c.Principal.Account, SerialNumber: serial, Name: n, Path: p,
		Seed: base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw), CreatedAt: s.now(),
	}
	qr, e := qrCodePNG(d)
	if e != nil {
		return nil, internal(e)
	}
	if e := s.store.CreateMFADevice(ctx, d); e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, query.Errorf(http.StatusConflict, "EntityAlreadyExists", "MFADevice entity at the same path and name already exists.")
		}
		return nil, internal(e)
	}
	return struct{ VirtualMFADevice virtualMFADevice }{virtualMFADevice{
		SerialNumber:     serial,
		Base32StringSeed: base64.StdEncoding.EncodeToString([]byte(d.Seed)),
		QRCodePNG:        base64.StdEncoding.EncodeToString(qr),
	}}, nil
}

// qrCodePNG is the QR code AWS gives for a new device: a PNG image of
// otpauth://totp/NAME@ACCOUNT?secret=SEED, the account being the account
// id while the device has no user.
func qrCodePNG(d *trustgate.MFADevice) ([]byte, error) {
	key, err := otp.NewKeyFromURL("otpauth://totp/" + url.PathEscape(d.Name+"@"+d.Account) + "?secret=" + d.Seed)
	if err != nil {
		return nil, err
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// EnableMFADevice takes two consecutive codes, as AWS does: the device's
// codes for two successive time steps, the later one the current step or
// the one before or after it. That proves the device holds the seed and
// keeps time; both codes are then used.
func (s *Service) enableMFADevice(ctx context.Context, c *Call) (any, *query.Error) {
	u, err := s.targetUser(ctx, c, "iam:EnableMFADevice", false)
	if err != nil {
		return nil, err
	}
	serial, err := serialNumber(c)
	if err != nil {
		return nil, err
	}
	code1, err := authCode(c, "AuthenticationCode1")
	if err != nil {
		return nil, err
	}
	code2, err := authCode(c, "AuthenticationCode2")
	if err != nil {
		return nil, err
	}
	d, e := s.store.MFADevice(ctx, c.Principal.Account, serial)
	if e != nil {
		return nil, storeError(e, "virtual MFA device with serial number "+serial)
	}
	if d.Enabled() {
		return nil, query.Errorf(http.StatusConflict, "EntityAlreadyExists", "MFA Device is already in use.")
	}
	devices, e := s.store.MFADevices(ctx, u.Account, u.Name)
	if e != nil {
		return nil, internal(e)
	}
	if len(devices) >= MaxMFADevicesPerUser {
		return nil, query.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for MFADevicesPerUser: %d", MaxMFADevicesPerUser)
	}
	now := s.now()
	current, last := mfa.Step(now), int64(-1)
	for _, second := range []int64{current, current - 1, current + 1} {
		if second-1 > d.LastUsedStep && mfa.Matches(d.Seed, second-1, code1) && mfa.Matches(d.Seed, second, code2) {
			last = second
			break
		}
	}
	if last < 0 {
		return nil, query.Errorf(http.StatusForbidden, "InvalidAuthenticationCode", "Authentication code for device is not valid.")
	}
	if e := s.store.EnableMFADevice(ctx, u.Account, d.SerialNumber, u.Name, now, last); e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, query.Errorf(http.StatusConflict, "EntityAlreadyExists", "MFA Device is already in use.")
		}
		return nil, storeError(e, "virtual MFA device with serial number "+serial)
	}
	return nil, nil
}

func (s *Service) deactivateMFADevice(ctx context.Context, c *Call) (any, *query.Error) {
	u, err := s.targetUser(ctx, c, "iam:DeactivateMFADevice", true)
	if err != nil {
		return nil, err
	}
	serial, err := serialNumber(c)
	if err != nil {
		return nil, err
	}
	if e := s.store.DeactivateMFADevice(ctx, u.Account, serial, u.Name); e != nil {
		return nil, storeError(e, fmt.Sprintf("MFA device with serial number %s of user %s", serial, u.Name))
	}
	return nil, nil
}

func (s *Service) deleteVirtualMFADevice(ctx context.Context, c *Call) (any, *query.Error) {
	serial, err := serialNumber(c)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "iam:DeleteVirtualMFADevice", serial); err != nil {
		return nil, err
	}
	e := s.store.DeleteMFADevice(ctx, c.Principal.Account, serial)
	if errors.Is(e, trustgate.ErrConflict) {
		return nil, query.Errorf(http.StatusConflict, "DeleteConflict", "MFA VirtualDevice in use. Must deactivate first.")
	}
	if e != nil {
		return nil, storeError(e, "virtual MFA device with serial number "+serial)
	}
	return nil, nil
}

// listMFADevices lists a user's enabled devices: the UserName parameter,
// or else the caller. The root user has none here (IAM enables devices
// for IAM users only).
func (s *Service) listMFADevices(ctx context.Context, c *Call) (any, *query.Error) {
	out := struct {
		MFADevices struct {
			Member []mfaDevice `xml:"member"`
		}
		IsTruncated bool
	}{}
	if c.Request.Get("UserName") == "" && c.Principal.Kind == policy.Root {
		return out, s.authorize(ctx, c, "iam:ListMFADevices", c.Principal.ARN)
	}
	u, err := s.targetUser(ctx, c, "iam:ListMFADevices", true)
	if err != nil {
		return nil, err
	}
	devices, e := s.store.MFADevices(ctx, u.Account, u.Name)
	if e != nil {
		return nil, internal(e)
	}
	for _, d := range devices {
		out.MFADevices.Member = append(out.MFADevices.Member, mfaDevice{UserName: u.Name, SerialNumber: d.SerialNumber, EnableDate: isoTime(d.EnableDate)})
	}
	return out, nil
}

// listVirtualMFADevices lists the account's virtual devices by
// AssignmentStatus (Assigned, Unassigned or Any, the default), without
// their seeds.
func (s *Service) listVirtualMFADevices(ctx context.Context, c *Call) (any, *query.Error) {
	status := c.Request.Get("AssignmentStatus")
	switch status {
	case "":
		status = "Any"
	case "Assigned", "Unassigned", "Any":
	default:
		return nil, query.InvalidMember(status, "assignmentStatus", "Member must satisfy enum value set: [Unassigned, Any, Assigned]")
	}
	if err := s.authorize(ctx, c, "iam:ListVirtualMFADevices", "arn:aws:iam::"+c.Principal.Account+":mfa/"); err != nil {
		return nil, err
	}
	devices, e := s.store.MFADevices(ctx, c.Principal.Account, "")
	if e != nil {
		return nil, internal(e)
	}
	out := struct {
		VirtualMFADevices struct {
			Member []virtualMFADevice `xml:"member"`
		}
		IsTruncated bool
	}{}
	for _, d := range devices {
		if (status == "Assigned" && !d.Enabled()) || (status == "Unassigned" && d.Enabled()) {
			continue
		}
		v := virtualMFADevice{SerialNumber: d.SerialNumber}
		if d.Enabled() {
			u, e := s.store.User(ctx, d.Account, d.UserName)
			if e != nil {
				return nil, internal(e)
			}
			uu := userOf(u)
			uu.Tags = nil // listing operations leave tags out
			v.User, v.EnableDate = &uu, isoTime(d.EnableDate)
		}
		out.VirtualMFADevices.Member = append(out.VirtualMFADevices.Member, v)
	}
	return out, nil
}
