package session_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/trustgate/trustgate/secret"
	"github.com/trustgate/trustgate/session"
)

func Example() {
	deploymentKey := make([]byte, secret.KeySize) // secret.LoadOrCreateKey in a real deployment
	issuer, err := session.NewIssuer(deploymentKey)
	if err != nil {
		panic(err)
	}

	// STS, on AssumeRole:
	now := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
	id, secretKey := session.NewKey("123456789012")
	token, err := issuer.Issue(&session.Claims{
		AccessKeyID: id, SecretAccessKey: secretKey, Account: "111122223333",
		Kind:    session.AssumedRole,
		RoleARN: "arn:aws:iam::111122223333:role/deploy/Deployer", RoleID: "AROAQ2EXAMPLEROLEID5",
		SessionName: "ci", Issued: now, Expires: now.Add(time.Hour),
	})
	if err != nil {
		panic(err)
	}

	// Any node, on a request signed with the temporary credentials:
	c, err := issuer.Open(token, now.Add(time.Minute))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.ARN())
	fmt.Println(c.PrincipalID())

	_, err = issuer.Open(token, now.Add(2*time.Hour))
	fmt.Println(errors.Is(err, session.ErrExpired))
	// Output:
	// arn:aws:sts::111122223333:assumed-role/Deployer/ci
	// AROAQ2EXAMPLEROLEID5:ci
	// true
}
