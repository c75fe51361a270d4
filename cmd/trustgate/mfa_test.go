package main

import (
	"bytes"
	"encoding/base32"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/pquerna/otp/totp"
)

// The tests of MFA never wait for a TOTP window: they compute the codes of
// the windows they need (the previous, the current and the next) from the
// clock, as the server reads the same clock. A code of the next window is
// accepted while the server's clock is in the current one or one after,
// so each step below holds across one window boundary.

// totpStep is the TOTP window (30-second step) of t.
func totpStep(t time.Time) int64 { return t.Unix() / 30 }

// totpCode is an MFA seed's code for the window step.
func totpCode(t *testing.T, seed string, step int64) string {
	t.Helper()
	code, err := totp.GenerateCode(seed, time.Unix(step*30, 0))
	if err != nil {
		t.Fatalf("totp.GenerateCode: %v", err)
	}
	return code
}

// wrongCode is a six-digit code that is none of the seed's codes for the
// windows around step.
func wrongCode(t *testing.T, seed string, step int64) string {
	t.Helper()
	valid := map[string]bool{}
	for s := step - 3; s <= step+3; s++ {
		valid[totpCode(t, seed, s)] = true
	}
	for s := step - 100; ; s-- {
		if c := totpCode(t, seed, s); !valid[c] {
			return c
		}
	}
}

// enableMFA creates a virtual MFA device named after the user and enables
// it with the codes of the previous and the current window, as root. It
// returns the device's serial number and seed, and the current window: the
// codes of that window and the one before are used from then on.
func (ts *testServer) enableMFA(t *testing.T, user string) (serial, seed string, step int64) {
	t.Helper()
	ctx := t.Context()
	root := ts.rootIAM()
	dev, err := root.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(user)})
	if err != nil {
		t.Fatalf("CreateVirtualMFADevice(%s): %v", user, err)
	}
	serial, seed = aws.ToString(dev.VirtualMFADevice.SerialNumber), string(dev.VirtualMFADevice.Base32StringSeed)
	step = totpStep(time.Now())
	_, err = root.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String(user), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(totpCode(t, seed, step-1)), AuthenticationCode2: aws.String(totpCode(t, seed, step))})
	if err != nil {
		t.Fatalf("EnableMFADevice(%s) with the codes of two consecutive windows: %v", user, err)
	}
	return serial, seed, step
}

// mfaRole sets up seed 004: production's role DevReadOnlyAccesswithMFA
// trusts the development (management) account only with MFA, in the
// seed's own words ({"Bool": {"aws:MultiFactorAuthPresent": true}}), and
// only while the MFA is under an hour old; development users may assume
// it. It returns the role's ARN and an IAM client of production's root.
func mfaRole(t *testing.T, ts *testServer, users ...string) (string, *iam.Client) {
	t.Helper()
	ctx := t.Context()
	prod := ts.createAccount(t, "Production")
	prodIAM := ts.iamClient(prod.AccessKeyId, prod.SecretAccessKey)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + ts.Root.AccountId + `"},"Action":"sts:AssumeRole",` +
		`"Condition":{"Bool":{"aws:MultiFactorAuthPresent":true},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}`
	role, err := prodIAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("DevReadOnlyAccesswithMFA"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	roleARN := aws.ToString(role.Role.Arn)
	root := ts.rootIAM()
	for _, u := range users {
		ts.newUser(t, u)
		mustDo(t, "PutUserPolicy", func() error {
			_, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(u), PolicyName: aws.String("AssumeProd"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + roleARN + `"}]}`)})
			return err
		})
	}
	return roleARN, prodIAM
}

// Virtual MFA devices through IAM: create, enable with two consecutive
// codes (note 22), list, and the conflicts AWS reports.
func TestIAMVirtualMFADevices(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootIAM()
	acct := ts.Root.AccountId
	alice := ts.newUser(t, "alice")

	_, err := alice.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice")})
	wantAPIError(t, "CreateVirtualMFADevice without permission", err, "AccessDenied",
		"User: arn:aws:iam::"+acct+":user/alice is not authorized to perform: iam:CreateVirtualMFADevice on resource: arn:aws:iam::"+acct+":mfa/alice")

	dev, err := root.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	v := dev.VirtualMFADevice
	serial, seed := aws.ToString(v.SerialNumber), string(v.Base32StringSeed)
	if serial != "arn:aws:iam::"+acct+":mfa/alice" {
		t.Errorf("SerialNumber = %s, want arn:aws:iam::%s:mfa/alice", serial, acct)
	}
	if raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(seed); err != nil || len(raw) != 40 {
		t.Errorf("Base32StringSeed %q is not a 40-byte base32 seed: %v", seed, err)
	}
	if !bytes.HasPrefix(v.QRCodePNG, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("QRCodePNG is not a PNG image: % x", v.QRCodePNG[:min(8, len(v.QRCodePNG))])
	}
	_, err = root.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice")})
	wantAPIError(t, "CreateVirtualMFADevice with a taken name", err, "EntityAlreadyExists", "MFADevice entity at the same path and name already exists.")
	pathed, err := root.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("spare"), Path: aws.String("/team/")})
	if err != nil || aws.ToString(pathed.VirtualMFADevice.SerialNumber) != "arn:aws:iam::"+acct+":mfa/team/spare" {
		t.Errorf("CreateVirtualMFADevice with a path = %v, %v; want serial number arn:aws:iam::%s:mfa/team/spare", pathed, err, acct)
	}

	step := totpStep(time.Now())
	enable := func(code1, code2 string) error {
		_, err := root.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(serial),
			AuthenticationCode1: aws.String(code1), AuthenticationCode2: aws.String(code2)})
		return err
	}
	err = enable(totpCode(t, seed, step), totpCode(t, seed, step))
	wantAPIError(t, "EnableMFADevice with one code twice", err, "InvalidAuthenticationCode", "Authentication code for device is not valid.")
	err = enable(totpCode(t, seed, step), totpCode(t, seed, step-1))
	wantAPIError(t, "EnableMFADevice with two codes in the wrong order", err, "InvalidAuthenticationCode", "Authentication code for device is not valid.")
	err = enable(totpCode(t, seed, step-21), totpCode(t, seed, step-20))
	wantAPIError(t, "EnableMFADevice with the codes of ten minutes ago", err, "InvalidAuthenticationCode", "Authentication code for device is not valid.")
	err = enable("12345", "123456")
	wantAPIError(t, "EnableMFADevice with a five-digit code", err, "ValidationError", "authenticationCode1")
	if err := enable(totpCode(t, seed, step-1), totpCode(t, seed, step)); err != nil {
		t.Fatalf("EnableMFADevice with the codes of the previous and the current window: %v", err)
	}
	err = enable(totpCode(t, seed, step), totpCode(t, seed, step+1))
	wantAPIError(t, "EnableMFADevice twice", err, "EntityAlreadyExists", "")

	listed, err := root.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("alice")})
	if err != nil || len(listed.MFADevices) != 1 || aws.ToString(listed.MFADevices[0].SerialNumber) != serial ||
		aws.ToString(listed.MFADevices[0].UserName) != "alice" || time.Since(aws.ToTime(listed.MFADevices[0].EnableDate)) > time.Minute {
		t.Errorf("ListMFADevices(alice) = %+v, %v", listed, err)
	}
	for _, tt := range []struct {
		status iamtypes.AssignmentStatusType
		want   []string
	}{
		{iamtypes.AssignmentStatusTypeAssigned, []string{serial}},
		{iamtypes.AssignmentStatusTypeUnassigned, []string{"arn:aws:iam::" + acct + ":mfa/team/spare"}},
		{iamtypes.AssignmentStatusTypeAny, []string{serial, "arn:aws:iam::" + acct + ":mfa/team/spare"}},
	} {
		out, err := root.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: tt.status})
		var got []string
		if err == nil {
			for _, d := range out.VirtualMFADevices {
				got = append(got, aws.ToString(d.SerialNumber))
				if len(d.Base32StringSeed) > 0 || len(d.QRCodePNG) > 0 {
					t.Errorf("ListVirtualMFADevices(%s) returned the seed of %s", tt.status, aws.ToString(d.SerialNumber))
				}
				if (aws.ToString(d.SerialNumber) == serial) != (d.User != nil && aws.ToString(d.User.UserName) == "alice") {
					t.Errorf("ListVirtualMFADevices(%s): %s has user %+v", tt.status, aws.ToString(d.SerialNumber), d.User)
				}
			}
		}
		if err != nil || strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("ListVirtualMFADevices(%s) = %v, %v; want %v", tt.status, got, err, tt.want)
		}
	}

	_, err = root.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantAPIError(t, "DeleteVirtualMFADevice while enabled", err, "DeleteConflict", "")
	_, err = alice.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{SerialNumber: aws.String(serial)})
	wantAPIError(t, "DeactivateMFADevice of oneself without permission", err, "AccessDenied", "iam:DeactivateMFADevice on resource: arn:aws:iam::"+acct+":user/alice")
	keys, err := root.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys.AccessKeyMetadata {
		if _, err := root.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: k.AccessKeyId}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice")})
	wantAPIError(t, "DeleteUser with an enabled MFA device", err, "DeleteConflict", "MFA devices")
	mustDo(t, "DeactivateMFADevice", func() error {
		_, err := root.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(serial)})
		return err
	})
	_, err = root.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(serial)})
	wantAPIError(t, "DeactivateMFADevice twice", err, "NoSuchEntity", "")
	mustDo(t, "DeleteVirtualMFADevice", func() error {
		_, err := root.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
		return err
	})
	_, err = root.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantAPIError(t, "DeleteVirtualMFADevice twice", err, "NoSuchEntity", "")
}

// Seed 004: a role whose trust policy requires MFA is denied without it
// and with a wrong or reused code, and assumed with a fresh one (notes 23
// and 24).
func TestAssumeRoleWithMFA(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	roleARN, prodIAM := mfaRole(t, ts, "Tyler-Dev")
	tyler := ts.userSTS(t, "Tyler-Dev")
	serial, seed, step := ts.enableMFA(t, "Tyler-Dev")
	assume := func(serial, code string) (*sts.AssumeRoleOutput, error) {
		in := &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("AssumeRoleSession")}
		if serial != "" {
			in.SerialNumber, in.TokenCode = aws.String(serial), aws.String(code)
		}
		return tyler.AssumeRole(ctx, in)
	}

	_, err := assume("", "")
	wantAPIError(t, "AssumeRole without MFA", err, "AccessDenied",
		"is not authorized to perform: sts:AssumeRole on resource: "+roleARN+" because no resource-based policy allows the sts:AssumeRole action")
	_, err = assume(serial, wrongCode(t, seed, step))
	wantAPIError(t, "AssumeRole with a wrong code", err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
	_, err = assume(serial, totpCode(t, seed, step))
	wantAPIError(t, "AssumeRole with a code that enabled the device", err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
	_, err = assume("arn:aws:iam::"+ts.Root.AccountId+":mfa/someone-else", totpCode(t, seed, step+1))
	wantAPIError(t, "AssumeRole with another serial number", err, "AccessDenied",
		"MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.")

	next := totpCode(t, seed, step+1)
	out, err := assume(serial, next)
	if err != nil {
		t.Fatalf("AssumeRole with a fresh code: %v", err)
	}
	if !strings.HasSuffix(aws.ToString(out.AssumedRoleUser.Arn), ":assumed-role/DevReadOnlyAccesswithMFA/AssumeRoleSession") {
		t.Errorf("AssumeRole with MFA = %s", aws.ToString(out.AssumedRoleUser.Arn))
	}
	_, err = assume(serial, next)
	wantAPIError(t, "AssumeRole with the same code again", err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")

	// The role session carries its MFA on: a role that trusts the first
	// one only with MFA admits its sessions (role chaining).
	second, err := prodIAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Auditor"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + roleARN + `"},"Action":"sts:AssumeRole",` +
			`"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	sessionSTS, _ := ts.sessionClients(out.Credentials)
	if _, err := sessionSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: second.Role.Arn, RoleSessionName: aws.String("hop2")}); err != nil {
		t.Errorf("chained AssumeRole from a session with MFA into a role requiring it: %v", err)
	}
}

// GetSessionToken: MFA then AssumeRole (note 24); without MFA the
// session is denied a role that requires it; a user's durations (note 25);
// a session cannot call it (note 26).
func TestGetSessionTokenWithMFA(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	roleARN, _ := mfaRole(t, ts, "bob")
	bob := ts.userSTS(t, "bob")
	serial, seed, step := ts.enableMFA(t, "bob")

	_, err := bob.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(wrongCode(t, seed, step))})
	wantAPIError(t, "GetSessionToken with a wrong code", err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")

	plain, err := bob.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatalf("GetSessionToken without MFA: %v", err)
	}
	if d := time.Until(aws.ToTime(plain.Credentials.Expiration)); d < 11*time.Hour+59*time.Minute || d > 12*time.Hour+time.Minute {
		t.Errorf("a user's session token expires in %v, want the default 12 hours", d)
	}
	plainSTS, _ := ts.sessionClients(plain.Credentials)
	id, err := plainSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::"+ts.Root.AccountId+":user/bob" {
		t.Errorf("GetCallerIdentity with bob's session = %v, %v; want bob's own ARN", id, err)
	}
	_, err = plainSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("no-mfa")})
	wantAPIError(t, "AssumeRole from a session without MFA", err, "AccessDenied", "because no resource-based policy allows the sts:AssumeRole action")
	_, err = plainSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantAPIError(t, "GetSessionToken with session credentials", err, "AccessDenied", "Cannot call GetSessionToken with session credentials")
	_, plainIAM := ts.sessionClients(plain.Credentials)
	_, err = plainIAM.GetUser(ctx, &iam.GetUserInput{})
	wantAPIError(t, "an IAM call from a session without MFA", err, "InvalidClientTokenId", "The security token included in the request is invalid")

	withMFA, err := bob.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900),
		SerialNumber: aws.String(serial), TokenCode: aws.String(totpCode(t, seed, step+1))})
	if err != nil {
		t.Fatalf("GetSessionToken with MFA: %v", err)
	}
	if d := time.Until(aws.ToTime(withMFA.Credentials.Expiration)); d < 14*time.Minute || d > 16*time.Minute {
		t.Errorf("a 900-second session token expires in %v", d)
	}
	mfaSTS, mfaIAM := ts.sessionClients(withMFA.Credentials)
	// With MFA the session reaches IAM, whose policies decide: bob has none.
	_, err = mfaIAM.GetUser(ctx, &iam.GetUserInput{})
	wantAPIError(t, "an IAM call from a session with MFA", err, "AccessDenied", "iam:GetUser")
	role, err := mfaSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("with-mfa")})
	if err != nil {
		t.Fatalf("AssumeRole from a session with MFA: %v", err)
	}
	roleSTS, _ := ts.sessionClients(role.Credentials)
	_, err = roleSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantAPIError(t, "GetSessionToken from a role session", err, "AccessDenied", "Cannot call GetSessionToken with session credentials")

	_, err = bob.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129601)})
	wantAPIError(t, "GetSessionToken for over 36 hours", err, "ValidationError", "durationSeconds")
	long, err := bob.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129600)})
	if err != nil || time.Until(aws.ToTime(long.Credentials.Expiration)) < 35*time.Hour {
		t.Errorf("GetSessionToken for 36 hours = %v, %v", long, err)
	}
}

// The root user's session tokens last an hour at most: a longer request
// is cut to one hour, not refused (note 25).
func TestRootGetSessionTokenDuration(t *testing.T) {
	ts := startServer(t)
	root := ts.stsClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey)
	for _, tt := range []struct {
		name     string
		duration *int32
		want     time.Duration
	}{
		{"default", nil, time.Hour},
		{"two hours asked", aws.Int32(7200), time.Hour},
		{"36 hours asked", aws.Int32(129600), time.Hour},
		{"15 minutes asked", aws.Int32(900), 15 * time.Minute},
	} {
		out, err := root.GetSessionToken(t.Context(), &sts.GetSessionTokenInput{DurationSeconds: tt.duration})
		if err != nil {
			t.Errorf("root GetSessionToken (%s): %v", tt.name, err)
			continue
		}
		if d := time.Until(aws.ToTime(out.Credentials.Expiration)); d < tt.want-time.Minute || d > tt.want+time.Minute {
			t.Errorf("root GetSessionToken (%s) expires in %v, want %v", tt.name, d, tt.want)
		}
		sessionSTS, _ := ts.sessionClients(out.Credentials)
		id, err := sessionSTS.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
		if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::"+ts.Root.AccountId+":root" {
			t.Errorf("GetCallerIdentity with root's session (%s) = %v, %v", tt.name, id, err)
		}
	}
}
