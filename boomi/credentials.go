package boomi

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"rolecall/model"
)

// Credentials finds the HTTP Basic user name and password for host:
// BOOMI_USER with BOOMI_TOKEN (an API token: the user name becomes
// "BOOMI_TOKEN." + BOOMI_USER unless it already starts so), else
// BOOMI_USER with BOOMI_PASSWORD, else the netrc file at netrcPath
// ("machine HOST login L password P", or "default"). Errors name the
// variables or the file to set and never hold a password or token.
func Credentials(getenv func(string) string, netrcPath, host string) (user, password string, err error) {
	u, tok, pw := getenv("BOOMI_USER"), getenv("BOOMI_TOKEN"), getenv("BOOMI_PASSWORD")
	switch {
	case u != "" && tok != "":
		if !strings.HasPrefix(u, "BOOMI_TOKEN.") {
			u = "BOOMI_TOKEN." + u
		}
		return u, tok, nil
	case u != "" && pw != "":
		return u, pw, nil
	case u != "":
		return "", "", errors.New("BOOMI_USER is set but neither BOOMI_TOKEN (an API token) nor BOOMI_PASSWORD is")
	case tok != "" || pw != "":
		return "", "", errors.New("BOOMI_TOKEN or BOOMI_PASSWORD is set but BOOMI_USER (the Boomi user name, an email) is not")
	}
	missing := fmt.Errorf("no Boomi credentials: set BOOMI_USER and BOOMI_TOKEN (an API token; or BOOMI_PASSWORD), or add \"machine %s login USER password TOKEN\" to %s", model.SafeText(host), model.SafeText(netrcPath))
	if netrcPath == "" {
		return "", "", missing
	}
	// Stat first: a FIFO there would block the open for ever.
	if fi, err := os.Stat(netrcPath); err == nil && !fi.Mode().IsRegular() {
		return "", "", fmt.Errorf("%s is not a regular file; rolecall does not read it", model.SafeText(netrcPath))
	}
	f, err := os.Open(netrcPath)
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", missing
	}
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", model.SafeText(netrcPath), plainErr(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", model.SafeText(netrcPath), plainErr(err))
	}
	if len(data) > 1<<20 {
		return "", "", fmt.Errorf("%s: over 1 MiB; not a netrc file", model.SafeText(netrcPath))
	}
	login, pass, found, err := netrcLookup(string(data), host)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", model.SafeText(netrcPath), err)
	}
	if !found {
		return "", "", missing
	}
	if login == "" || pass == "" {
		return "", "", fmt.Errorf("%s: the entry for %s lacks a login or a password", model.SafeText(netrcPath), model.SafeText(host))
	}
	return login, pass, nil
}

// netrcLookup finds host's entry (else the default entry) in a netrc
// text: whitespace-separated tokens; macdef bodies run to a blank line.
// Errors never quote a token (it may be a password).
func netrcLookup(text, host string) (login, password string, found bool, err error) {
	type entry struct{ login, password string }
	var match, def *entry
	var cur *entry
	i := 0
	next := func() (string, bool) {
		for i < len(text) && isSpace(text[i]) {
			i++
		}
		if i >= len(text) {
			return "", false
		}
		j := i
		for j < len(text) && !isSpace(text[j]) {
			j++
		}
		tok := text[i:j]
		i = j
		return tok, true
	}
	for {
		tok, ok := next()
		if !ok {
			break
		}
		switch tok {
		case "machine":
			name, ok := next()
			if !ok {
				return "", "", false, errors.New(`"machine" without a host name`)
			}
			cur = &entry{}
			if name == host && match == nil {
				match = cur
			}
		case "default":
			cur = &entry{}
			if def == nil {
				def = cur
			}
		case "login", "password", "account":
			v, ok := next()
			if !ok {
				return "", "", false, fmt.Errorf("%q without a value", tok)
			}
			if cur == nil {
				return "", "", false, fmt.Errorf("%q before any \"machine\" or \"default\"", tok)
			}
			switch tok {
			case "login":
				cur.login = v
			case "password":
				cur.password = v
			}
		case "macdef":
			if _, ok := next(); !ok {
				return "", "", false, errors.New(`"macdef" without a name`)
			}
			// The body runs from the next line to a blank line.
			if k := strings.IndexByte(text[i:], '\n'); k >= 0 {
				i += k + 1
				if end := strings.Index(text[i:], "\n\n"); end >= 0 {
					i += end + 2
				} else {
					i = len(text)
				}
			} else {
				i = len(text)
			}
			cur = nil
		default:
			return "", "", false, errors.New("a word the netrc format does not have (expected machine, default, login, password, account or macdef)")
		}
	}
	if match != nil {
		return match.login, match.password, true, nil
	}
	if def != nil {
		return def.login, def.password, true, nil
	}
	return "", "", false, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
