/* Unit tests of cert (facts read from certificates) and trust (verification
 * against CA files and directories).
 *
 * The certificates were made once with certtool (ECDSA P-256 keys, not kept):
 *   CA       "Test Root CA", self-signed, serial 01, 2025-01-01 .. 2035-01-01
 *   INT      "Test Intermediate CA", signed by CA, 2025-06-01 .. 2030-01-01
 *   LEAF     "a.example", signed by INT, serial 00c0ffee01, 2026-01-01 .. 2027-01-01,
 *            SANs a.example, *.wild.example, xn--bcher-kva.example, IP 127.0.0.1,
 *            key purpose TLS WWW server
 *   CNONLY   "cn-only.example", signed by INT, no SAN, 2026-01-01 .. 2026-07-01
 *   EXPIRED  "expired.example", signed by INT, 2025-07-01 .. 2025-10-01
 *   OTHER    "Other Root CA", self-signed, unrelated to the others
 *   SHA1     "sha1.example", signed by INT with ECDSA-SHA1
 *   NOCN     "nocn-issued.example", serial 21, 2026-01-01 .. 2027-01-01, signed by a
 *            root (not kept) whose DN "OU=No CN CA,O=tlscheck tests" has no CN
 *   TWIN_OLD "Twin Root", self-signed, serial 03, 2015-01-01 .. 2025-01-01
 *   TWIN_NEW "Twin Root" renewed in place: the same subject and key, serial 04,
 *            2024-06-01 .. 2034-06-01
 *   TWIN_LEAF "twin.example", signed by the Twin Root's key, 2026-01-01 .. 2027-01-01
 *   CROSS_ROOT "Cross Root", self-signed, 2025-01-01 .. 2030-01-01
 *   CROSS_CERT "Cross Root" with the same key, issued by another root (not kept),
 *            2025-01-01 .. 2035-01-01: a cross-certificate, not a renewal
 *   CROSS_LEAF "cross.example", signed by the Cross Root's key
 *   PRE1970  "old", self-signed, notBefore 1949-03-01 10:00 (GeneralizedTime),
 *            notAfter 1950-06-01 12:00 (UTCTime 500601120000Z): certtool wrote it,
 *            tests/integration/retime.py wrote its times and signed it again
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>

#include "cert.h"
#include "trust.h"

static const char CA_PEM[] = "-----BEGIN CERTIFICATE-----\n"
                             "MIIBkTCCATegAwIBAgIBATAKBggqhkjOPQQDAjAwMRcwFQYDVQQKEw50bHNjaGVj\n"
                             "ayB0ZXN0czEVMBMGA1UEAxMMVGVzdCBSb290IENBMB4XDTI1MDEwMTAwMDAwMFoX\n"
                             "DTM1MDEwMTAwMDAwMFowMDEXMBUGA1UEChMOdGxzY2hlY2sgdGVzdHMxFTATBgNV\n"
                             "BAMTDFRlc3QgUm9vdCBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABInzB/Ae\n"
                             "Ev4qhOOjpJVND2urwHQc+4y1lTpwmQ2rDNxeIRCYu2NjFdNTqvhXJSg/FMDkHfSV\n"
                             "zhmH7ijd/t5ZufejQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgIE\n"
                             "MB0GA1UdDgQWBBT1UT2r/AQ1k2CEs24kEVMIfultnTAKBggqhkjOPQQDAgNIADBF\n"
                             "AiEAvV3dJkp+m2esfPKHCn/IXfB5JXPVGPz2dBbCWMzhoC8CICexoF2HQSfZD55H\n"
                             "YstKRpjN5wOQXw706QYHf9sFGsPB\n"
                             "-----END CERTIFICATE-----\n";

static const char INT_PEM[] = "-----BEGIN CERTIFICATE-----\n"
                              "MIIBujCCAWCgAwIBAgIBAjAKBggqhkjOPQQDAjAwMRcwFQYDVQQKEw50bHNjaGVj\n"
                              "ayB0ZXN0czEVMBMGA1UEAxMMVGVzdCBSb290IENBMB4XDTI1MDYwMTAwMDAwMFoX\n"
                              "DTMwMDEwMTAwMDAwMFowODEXMBUGA1UEChMOdGxzY2hlY2sgdGVzdHMxHTAbBgNV\n"
                              "BAMTFFRlc3QgSW50ZXJtZWRpYXRlIENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcD\n"
                              "QgAEMpMdkVNVsk5BK2yl5xOB8nSpcvsUlTSGCfvq31Uv5nedrxoMAKO4DJHjz5Ed\n"
                              "96KSNk+zuIfdLSz3ie6brtWIq6NjMGEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8B\n"
                              "Af8EBAMCAgQwHQYDVR0OBBYEFCD8Q3uJ9YUoMYllbDn2Brj2R7TAMB8GA1UdIwQY\n"
                              "MBaAFPVRPav8BDWTYISzbiQRUwh+6W2dMAoGCCqGSM49BAMCA0gAMEUCIEvPkuDq\n"
                              "+gS4itJL+6AJZIZT5nfC4FvdTqb2Q2h+BuAhAiEA392Iqjo41B0o4QDc6Vauy0ZH\n"
                              "YY7QUKe46NoAssS/GJU=\n"
                              "-----END CERTIFICATE-----\n";

static const char LEAF_PEM[] = "-----BEGIN CERTIFICATE-----\n"
                               "MIIB+TCCAZ+gAwIBAgIFAMD/7gEwCgYIKoZIzj0EAwIwODEXMBUGA1UEChMOdGxz\n"
                               "Y2hlY2sgdGVzdHMxHTAbBgNVBAMTFFRlc3QgSW50ZXJtZWRpYXRlIENBMB4XDTI2\n"
                               "MDEwMTAwMDAwMFoXDTI3MDEwMTAwMDAwMFowFDESMBAGA1UEAxMJYS5leGFtcGxl\n"
                               "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfBomPieTAtEIv1KfQxtslQPNxXUv\n"
                               "gzBDCspKuhz15V1o33Udbu4FNMZsvNeSNiHCiX/nDTahMhfaUTyzusE0kqOBuTCB\n"
                               "tjAMBgNVHRMBAf8EAjAAMEEGA1UdEQQ6MDiCCWEuZXhhbXBsZYIOKi53aWxkLmV4\n"
                               "YW1wbGWCFXhuLS1iY2hlci1rdmEuZXhhbXBsZYcEfwAAATATBgNVHSUEDDAKBggr\n"
                               "BgEFBQcDATAOBgNVHQ8BAf8EBAMCB4AwHQYDVR0OBBYEFPXIL+3pJHA/Qfz/Qt1I\n"
                               "bpFQZyEQMB8GA1UdIwQYMBaAFCD8Q3uJ9YUoMYllbDn2Brj2R7TAMAoGCCqGSM49\n"
                               "BAMCA0gAMEUCIBeVXljOOFw7+F1ccQ/cCzkCru9yo5Oidk9CZtPHAvMsAiEAp9pa\n"
                               "ilPf+kr4ogWxwx02oN21ilB5wuXxom7WFd2vHv0=\n"
                               "-----END CERTIFICATE-----\n";

static const char CNONLY_PEM[] =
        "-----BEGIN CERTIFICATE-----\n"
        "MIIB0DCCAXWgAwIBAgIBEDAKBggqhkjOPQQDAjA4MRcwFQYDVQQKEw50bHNjaGVj\n"
        "ayB0ZXN0czEdMBsGA1UEAxMUVGVzdCBJbnRlcm1lZGlhdGUgQ0EwHhcNMjYwMTAx\n"
        "MDAwMDAwWhcNMjYwNzAxMDAwMDAwWjAzMRcwFQYDVQQKEw50bHNjaGVjayB0ZXN0\n"
        "czEYMBYGA1UEAxMPY24tb25seS5leGFtcGxlMFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
        "AQcDQgAEJ8kbrNy6wOJS7QIsWFJ15OSlVH0JjCJ/L2uP8FV3xsuxQBwMNjvF7dEL\n"
        "niyN2dfXWbwvnwfGWgKpfUCTJavEE6N1MHMwDAYDVR0TAQH/BAIwADATBgNVHSUE\n"
        "DDAKBggrBgEFBQcDATAOBgNVHQ8BAf8EBAMCB4AwHQYDVR0OBBYEFPwyiyCNFpoM\n"
        "HvAPrp7yk7VlGbzQMB8GA1UdIwQYMBaAFCD8Q3uJ9YUoMYllbDn2Brj2R7TAMAoG\n"
        "CCqGSM49BAMCA0kAMEYCIQCWFkHaivgYXrfy4n76UAaFhiKv86Iknba5NpwX69Uj\n"
        "MwIhANF20QYcE8uFURMI9UrsSsNo24cfshC+O/5fdz51+uUC\n"
        "-----END CERTIFICATE-----\n";

static const char EXPIRED_PEM[] =
        "-----BEGIN CERTIFICATE-----\n"
        "MIIB1DCCAXqgAwIBAgIBETAKBggqhkjOPQQDAjA4MRcwFQYDVQQKEw50bHNjaGVj\n"
        "ayB0ZXN0czEdMBsGA1UEAxMUVGVzdCBJbnRlcm1lZGlhdGUgQ0EwHhcNMjUwNzAx\n"
        "MDAwMDAwWhcNMjUxMDAxMDAwMDAwWjAaMRgwFgYDVQQDEw9leHBpcmVkLmV4YW1w\n"
        "bGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARvZ4dy5i1WxvS3ZQmOq8gfal2j\n"
        "oRfIH3op2f5sy07NIEbl6BRL+LSelD5FH9kMNbiM5+OWjdKR1wM0JLGXyPaSo4GS\n"
        "MIGPMAwGA1UdEwEB/wQCMAAwGgYDVR0RBBMwEYIPZXhwaXJlZC5leGFtcGxlMBMG\n"
        "A1UdJQQMMAoGCCsGAQUFBwMBMA4GA1UdDwEB/wQEAwIHgDAdBgNVHQ4EFgQUe1YQ\n"
        "XOfThrjELbu9aSBRVaxAZTUwHwYDVR0jBBgwFoAUIPxDe4n1hSgxiWVsOfYGuPZH\n"
        "tMAwCgYIKoZIzj0EAwIDSAAwRQIgYix67v8J1K3+KMFiTuHOX2Zmszz2EORv/1/V\n"
        "F2/m7ggCIQDkV5itWt+9AiWq9tU9cZfIvX0sUS/kdZknlIUSYSKmRQ==\n"
        "-----END CERTIFICATE-----\n";

static const char OTHER_PEM[] = "-----BEGIN CERTIFICATE-----\n"
                                "MIIBYTCCAQegAwIBAgIBAzAKBggqhkjOPQQDAjAYMRYwFAYDVQQDEw1PdGhlciBS\n"
                                "b290IENBMB4XDTI1MDEwMTAwMDAwMFoXDTM1MDEwMTAwMDAwMFowGDEWMBQGA1UE\n"
                                "AxMNT3RoZXIgUm9vdCBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABDyUHogC\n"
                                "1kIs8Sl7Wy84wgVQmJjYPekQFTM0b8EuH+xx/ZWIbzOm9rPleMJuS2g9JBlZpYOO\n"
                                "4LfrtiVzGVJZhtijQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgIE\n"
                                "MB0GA1UdDgQWBBRtZEyY09yFMGUXhiTC6HEheYeeeTAKBggqhkjOPQQDAgNIADBF\n"
                                "AiAcuBN69FFIitEeTQrXeum5cTGeLQN8E9nOnWlE53jGGgIhAOYYMKy1Ur/5ypWX\n"
                                "luF7PWhczoA31bwtIzvQNYcp0FIj\n"
                                "-----END CERTIFICATE-----\n";

static const char SHA1_PEM[] = "-----BEGIN CERTIFICATE-----\n"
                               "MIIBzTCCAXOgAwIBAgIBEjAJBgcqhkjOPQQBMDgxFzAVBgNVBAoTDnRsc2NoZWNr\n"
                               "IHRlc3RzMR0wGwYDVQQDExRUZXN0IEludGVybWVkaWF0ZSBDQTAeFw0yNjAxMDEw\n"
                               "MDAwMDBaFw0yNzAxMDEwMDAwMDBaMBcxFTATBgNVBAMTDHNoYTEuZXhhbXBsZTBZ\n"
                               "MBMGByqGSM49AgEGCCqGSM49AwEHA0IABMNTl305EbzwLryqJNZAse9NUlW3zlgJ\n"
                               "A45nz3qTHQmmukfGGy1rUoQ+cUQA9BqsKfvmIVYHWVd1yDgE5Lv02oajgY8wgYww\n"
                               "DAYDVR0TAQH/BAIwADAXBgNVHREEEDAOggxzaGExLmV4YW1wbGUwEwYDVR0lBAww\n"
                               "CgYIKwYBBQUHAwEwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBR65v4+RI0dnrlQ\n"
                               "kjZsgrRbOx45sDAfBgNVHSMEGDAWgBQg/EN7ifWFKDGJZWw59ga49ke0wDAJBgcq\n"
                               "hkjOPQQBA0kAMEYCIQDKDrX2lzGEtg4TKxRMCHBblN0rzJYdVqhbKs5P4wXOSQIh\n"
                               "AMzBHyv1teBSOkDHxGEDaZjkOsKyeI1WmFqYBzN+6XVq\n"
                               "-----END CERTIFICATE-----\n";

static const char TWIN_OLD_PEM[] =
        "-----BEGIN CERTIFICATE-----\n"
        "MIIBjDCCATGgAwIBAgIBAzAKBggqhkjOPQQDAjAtMRcwFQYDVQQKEw50bHNjaGVj\n"
        "ayB0ZXN0czESMBAGA1UEAxMJVHdpbiBSb290MB4XDTE1MDEwMTAwMDAwMFoXDTI1\n"
        "MDEwMTAwMDAwMFowLTEXMBUGA1UEChMOdGxzY2hlY2sgdGVzdHMxEjAQBgNVBAMT\n"
        "CVR3aW4gUm9vdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKhi0EHGFwHtD+Fe\n"
        "nqRUeBwj7txHMvIq9wGoxI5mzAg/DREQTG6DPsnm7gtzPZvlesisen+Dyn4BQSXx\n"
        "SYrFqCCjQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgIEMB0GA1Ud\n"
        "DgQWBBRipIRpqTDlGpTp/r2afOGSb8wqmDAKBggqhkjOPQQDAgNJADBGAiEAzpOA\n"
        "Sn/8VPs+1HjBWjQAWBtwi08X8dgi+PuhcO7v0lICIQCFHEWN+Vyayjdzvuh8VYAN\n"
        "WxnK9nVSK28CcNViPzwnuA==\n"
        "-----END CERTIFICATE-----\n";

static const char TWIN_NEW_PEM[] =
        "-----BEGIN CERTIFICATE-----\n"
        "MIIBjDCCATGgAwIBAgIBBDAKBggqhkjOPQQDAjAtMRcwFQYDVQQKEw50bHNjaGVj\n"
        "ayB0ZXN0czESMBAGA1UEAxMJVHdpbiBSb290MB4XDTI0MDYwMTAwMDAwMFoXDTM0\n"
        "MDYwMTAwMDAwMFowLTEXMBUGA1UEChMOdGxzY2hlY2sgdGVzdHMxEjAQBgNVBAMT\n"
        "CVR3aW4gUm9vdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKhi0EHGFwHtD+Fe\n"
        "nqRUeBwj7txHMvIq9wGoxI5mzAg/DREQTG6DPsnm7gtzPZvlesisen+Dyn4BQSXx\n"
        "SYrFqCCjQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgIEMB0GA1Ud\n"
        "DgQWBBRipIRpqTDlGpTp/r2afOGSb8wqmDAKBggqhkjOPQQDAgNJADBGAiEA5Jdg\n"
        "NC8/ISs3b9pVMz60kQG5YgSrHrdv8MfCEaynNUcCIQC4sqMsP+nBOFhhZapRrzFb\n"
        "T7FvF+awSxsdEO77njZA4A==\n"
        "-----END CERTIFICATE-----\n";

static const char TWIN_LEAF_PEM[] =
        "-----BEGIN CERTIFICATE-----\n"
        "MIIBwzCCAWmgAwIBAgIBBTAKBggqhkjOPQQDAjAtMRcwFQYDVQQKEw50bHNjaGVj\n"
        "ayB0ZXN0czESMBAGA1UEAxMJVHdpbiBSb290MB4XDTI2MDEwMTAwMDAwMFoXDTI3\n"
        "MDEwMTAwMDAwMFowFzEVMBMGA1UEAxMMdHdpbi5leGFtcGxlMFkwEwYHKoZIzj0C\n"
        "AQYIKoZIzj0DAQcDQgAEIsM7sWuT5vSx0g7yiKTmyg3DThYIZ3ij0FQbCFylEvZr\n"
        "42r6lmwbUOPmNef2jUQr6E0kSDRfFA9GFX5yI8a8EqOBjzCBjDAMBgNVHRMBAf8E\n"
        "AjAAMBcGA1UdEQQQMA6CDHR3aW4uZXhhbXBsZTATBgNVHSUEDDAKBggrBgEFBQcD\n"
        "ATAOBgNVHQ8BAf8EBAMCB4AwHQYDVR0OBBYEFLHuOmj1ociEnJEZw83jnvTSjALi\n"
        "MB8GA1UdIwQYMBaAFGKkhGmpMOUalOn+vZp84ZJvzCqYMAoGCCqGSM49BAMCA0gA\n"
        "MEUCIQDJRpfdQVVcc29wKVZdh8XUzrHEzoXb0HLJGV/2zzKWkQIgZuqPvxP7MwQL\n"
        "KKEjIndalpIcl9G9Fi1Nxk870kAg4Mw=\n"
        "-----END CERTIFICATE-----\n";

static const char CROSS_ROOT_PEM[] =
        "-----BEGIN CERTIFICATE-----\n"
        "MIIBjDCCATOgAwIBAgIBBjAKBggqhkjOPQQDAjAuMRcwFQYDVQQKEw50bHNjaGVj\n"
        "ayB0ZXN0czETMBEGA1UEAxMKQ3Jvc3MgUm9vdDAeFw0yNTAxMDEwMDAwMDBaFw0z\n"
        "MDAxMDEwMDAwMDBaMC4xFzAVBgNVBAoTDnRsc2NoZWNrIHRlc3RzMRMwEQYDVQQD\n"
        "EwpDcm9zcyBSb290MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIdLtSZ/QCDQB\n"
        "vXfeDBkw1dTnODORNnGNv8j6e5PVMIY2fm48xgLBdAx7nMnaTJsOMQ4yfmjVrP8Q\n"
        "3c6VFBXsSKNCMEAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAgQwHQYD\n"
        "VR0OBBYEFGwcOqv/q7rOe7gclXRLcE37kAX/MAoGCCqGSM49BAMCA0cAMEQCIC7W\n"
        "+9PYoHqcolxDNxUNM2ooO4ukumOCUrnObLSzJFrEAiBLPQlCGX4rd6ku0QvgkNvf\n"
        "3VQ+yViJRqUVYxHpgSZ8yw==\n"
        "-----END CERTIFICATE-----\n";

static const char CROSS_CERT_PEM[] =
        "-----BEGIN CERTIFICATE-----\n"
        "MIIBrTCCAVSgAwIBAgIBCDAKBggqhkjOPQQDAjAuMRcwFQYDVQQKEw50bHNjaGVj\n"
        "ayB0ZXN0czETMBEGA1UEAxMKT2xkZXIgUm9vdDAeFw0yNTAxMDEwMDAwMDBaFw0z\n"
        "NTAxMDEwMDAwMDBaMC4xFzAVBgNVBAoTDnRsc2NoZWNrIHRlc3RzMRMwEQYDVQQD\n"
        "EwpDcm9zcyBSb290MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIdLtSZ/QCDQB\n"
        "vXfeDBkw1dTnODORNnGNv8j6e5PVMIY2fm48xgLBdAx7nMnaTJsOMQ4yfmjVrP8Q\n"
        "3c6VFBXsSKNjMGEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAgQwHQYD\n"
        "VR0OBBYEFGwcOqv/q7rOe7gclXRLcE37kAX/MB8GA1UdIwQYMBaAFOJk0bHYm4+C\n"
        "lP2Q8peG9xV1zKxbMAoGCCqGSM49BAMCA0cAMEQCIGboNe3746BUFVl0zpHrONyr\n"
        "Wt+o4t0KHhZ/eFHFAp3qAiBdR4CSb06k0IFkJ1IWAp10/VNfz0TNtEGhUJstZ+bA\n"
        "Bw==\n"
        "-----END CERTIFICATE-----\n";

static const char CROSS_LEAF_PEM[] =
        "-----BEGIN CERTIFICATE-----\n"
        "MIIBxjCCAWygAwIBAgIBCTAKBggqhkjOPQQDAjAuMRcwFQYDVQQKEw50bHNjaGVj\n"
        "ayB0ZXN0czETMBEGA1UEAxMKQ3Jvc3MgUm9vdDAeFw0yNjAxMDEwMDAwMDBaFw0y\n"
        "NzAxMDEwMDAwMDBaMBgxFjAUBgNVBAMTDWNyb3NzLmV4YW1wbGUwWTATBgcqhkjO\n"
        "PQIBBggqhkjOPQMBBwNCAATjpYm1gm+bQXztj1XiGpm56dGNd26qarfFZhLo8Iss\n"
        "GmzHYT+1opfJmb7/G2sjOdkznDYS/8ouiSPz6x2gxKE8o4GQMIGNMAwGA1UdEwEB\n"
        "/wQCMAAwGAYDVR0RBBEwD4INY3Jvc3MuZXhhbXBsZTATBgNVHSUEDDAKBggrBgEF\n"
        "BQcDATAOBgNVHQ8BAf8EBAMCB4AwHQYDVR0OBBYEFKe1RVw7WJzBAT2Yo4px31f1\n"
        "V2OfMB8GA1UdIwQYMBaAFGwcOqv/q7rOe7gclXRLcE37kAX/MAoGCCqGSM49BAMC\n"
        "A0gAMEUCIFwhO6sFbEvtZt73Ec+CGT2XMsfo4cL80kQzVH1Sa4vfAiEAhFKBFnMp\n"
        "bLonEYbuv2fPnVrT0QCrTVMfTZ5RTR6UH9M=\n"
        "-----END CERTIFICATE-----\n";

static const char PRE1970_PEM[] =
        "-----BEGIN CERTIFICATE-----\n"
        "MIIBYzCCAQigAwIBAgIUCok7l65IrAMiQB4Ahi84bEhzF0cwCgYIKoZIzj0EAwIw\n"
        "DjEMMAoGA1UEAxMDb2xkMCAYDzE5NDkwMzAxMTAwMDAwWhcNNTAwNjAxMTIwMDAw\n"
        "WjAOMQwwCgYDVQQDEwNvbGQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATv+xxh\n"
        "Xe1nJCGGC5qOBiwVBWmq9BbhoiQRkh/gv7CQ9XoCFdpwYKtNrgJmUZDycb6ECXWo\n"
        "huAUuXEhMNQsstq9o0IwQDAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIC\n"
        "BDAdBgNVHQ4EFgQUiBWDOcxnB3vR+tlq8H6SRewuUJkwCgYIKoZIzj0EAwIDSQAw\n"
        "RgIhAKHQCRssI4PP3XOWqAyv0QVzJ5dv92EqIeD68oAOAC0RAiEA3jjl94xARQIV\n"
        "Dl62dL4Lv3+lZUPVg5xQq2uz9ReeTY4=\n"
        "-----END CERTIFICATE-----\n";

static const char NOCN_PEM[] = "-----BEGIN CERTIFICATE-----\n"
                               "MIIB0DCCAXagAwIBAgIBITAKBggqhkjOPQQDAjAsMRcwFQYDVQQKEw50bHNjaGVj\n"
                               "ayB0ZXN0czERMA8GA1UECxMITm8gQ04gQ0EwHhcNMjYwMTAxMDAwMDAwWhcNMjcw\n"
                               "MTAxMDAwMDAwWjAeMRwwGgYDVQQDExNub2NuLWlzc3VlZC5leGFtcGxlMFkwEwYH\n"
                               "KoZIzj0CAQYIKoZIzj0DAQcDQgAEUXxWKEnpkg9dOLC2sm0xT+Z5UE+gwNnBR5kO\n"
                               "Tc0k8K73qj4Kcs+ena+jDjpMtjFYl7SOsaneOza5iMPethHFfaOBljCBkzAMBgNV\n"
                               "HRMBAf8EAjAAMB4GA1UdEQQXMBWCE25vY24taXNzdWVkLmV4YW1wbGUwEwYDVR0l\n"
                               "BAwwCgYIKwYBBQUHAwEwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBSZO77G33Xg\n"
                               "vfgCnw71CrSekSsxjTAfBgNVHSMEGDAWgBTfkS96c5Fm0VtEgG75ffNQ25ga6DAK\n"
                               "BggqhkjOPQQDAgNIADBFAiBS5/pmWECsoEpZKUt3bpxK8ug6SLVVlhlgYLJukTBL\n"
                               "AQIhAN/hWfIc4Y6IzpkyKQLN03xt2oJuOX0vfz9eM6jjnlde\n"
                               "-----END CERTIFICATE-----\n";

#define LEAF_SHA256    "11482af5fcf9b387dcac6c16878a67e8d6a58ea91acf1e7c4357bbdcf7508965"
#define EXPIRED_SHA256 "6a7396e0d14fe5cd10f1f4b3e547dedd88fe0a81550091a056511f005beb9234"
#define T_2026_01_01   ((time_t)1767225600)
#define T_2027_01_01   ((time_t)1798761600)
#define T_2025_10_01   ((time_t)1759276800)
#define T_2025_01_01   ((time_t)1735689600)
#define T_2035_01_01   ((time_t)2051222400)
#define T_2025_06_01   ((time_t)1748736000)
#define T_2030_01_01   ((time_t)1893456000)

/* CA files written once for the trust tests, removed at the end. */
struct fixture_dir {
	char dir[128];
	char ca[160];
	char other[160];
	char intermediate[160]; /* the intermediate alone, as an anchor */
	char empty[160];
	char missing[160];
	char truncated[160]; /* the CA's PEM, cut short */
	char anchors[160];   /* a directory holding the CA, a note, a FIFO and a subdirectory */
	char empty_dir[160]; /* a directory holding nothing */
	char ca_der[160];    /* the CA in DER */
	char der_dir[160];   /* a directory holding the CA in DER, alone */
	char der_entry[192];
	char twins_old_first[160]; /* TWIN_OLD, then TWIN_NEW */
	char twins_new_first[160]; /* TWIN_NEW, then TWIN_OLD */
	char twin_old[160];
	char twin_new[160];
	char root_and_cross[160]; /* CROSS_ROOT, then CROSS_CERT */
};

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* The DER of the PEM certificate PEM written to PATH. */
static void write_der(const char *path, const char *pem_text)
{
	gnutls_datum_t pem = {(unsigned char *)pem_text, (unsigned)strlen(pem_text)};
	gnutls_datum_t der = {NULL, 0};
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(gnutls_pem_base64_decode2("CERTIFICATE", &pem, &der), 0);
	assert_int_equal(fwrite(der.data, 1, der.size, fp), der.size);
	assert_int_equal(fclose(fp), 0);
	gnutls_free(der.data);
}

static void write_file_twice(const char *path, const char *first, const char *second)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(first, fp) >= 0 && fputs(second, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* PATH is NAME in the directory D->anchors. */
static void anchors_entry(const struct fixture_dir *d, const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", d->anchors, name);
}

/* Besides the CA: what a CA directory may also hold, which is passed over. */
static int fill_anchors(const struct fixture_dir *d)
{
	char path[192];

	if (mkdir(d->anchors, 0700) != 0)
		return -1;
	anchors_entry(d, "ca.pem", path, sizeof(path));
	write_file(path, CA_PEM);
	anchors_entry(d, "README", path, sizeof(path));
	write_file(path, "no certificate in here\n");
	anchors_entry(d, "fifo", path, sizeof(path));
	if (mkfifo(path, 0600) != 0)
		return -1;
	anchors_entry(d, "sub", path, sizeof(path));
	return mkdir(path, 0700);
}

static void empty_anchors(const struct fixture_dir *d)
{
	static const char *const names[] = {"ca.pem", "README", "fifo"};
	char path[192];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		anchors_entry(d, names[i], path, sizeof(path));
		unlink(path);
	}
	anchors_entry(d, "sub", path, sizeof(path));
	rmdir(path);
	rmdir(d->anchors);
}

static int setup_dir(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fixture_dir *d = calloc(1, sizeof(*d));
	char cut[101];

	if (d == NULL)
		return -1;
	snprintf(d->dir, sizeof(d->dir), "%s/test_cert.XXXXXX",
	         tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(d->dir) == NULL) {
		free(d);
		return -1;
	}
	snprintf(d->ca, sizeof(d->ca), "%s/ca.pem", d->dir);
	snprintf(d->other, sizeof(d->other), "%s/other.pem", d->dir);
	snprintf(d->intermediate, sizeof(d->intermediate), "%s/int.pem", d->dir);
	snprintf(d->empty, sizeof(d->empty), "%s/empty.pem", d->dir);
	snprintf(d->missing, sizeof(d->missing), "%s/missing.pem", d->dir);
	snprintf(d->truncated, sizeof(d->truncated), "%s/truncated.pem", d->dir);
	snprintf(d->anchors, sizeof(d->anchors), "%s/anchors", d->dir);
	snprintf(d->empty_dir, sizeof(d->empty_dir), "%s/nothing", d->dir);
	snprintf(d->ca_der, sizeof(d->ca_der), "%s/ca.der", d->dir);
	snprintf(d->der_dir, sizeof(d->der_dir), "%s/der", d->dir);
	snprintf(d->der_entry, sizeof(d->der_entry), "%s/ca.crt", d->der_dir);
	write_der(d->ca_der, CA_PEM);
	if (mkdir(d->der_dir, 0700) != 0)
		return -1;
	write_der(d->der_entry, CA_PEM);
	write_file(d->ca, CA_PEM);
	write_file(d->other, OTHER_PEM);
	write_file(d->intermediate, INT_PEM);
	write_file(d->empty, "no certificate in here\n");
	snprintf(d->twins_old_first, sizeof(d->twins_old_first), "%s/twins-old-first.pem", d->dir);
	snprintf(d->twins_new_first, sizeof(d->twins_new_first), "%s/twins-new-first.pem", d->dir);
	snprintf(d->twin_old, sizeof(d->twin_old), "%s/twin-old.pem", d->dir);
	snprintf(d->twin_new, sizeof(d->twin_new), "%s/twin-new.pem", d->dir);
	snprintf(d->root_and_cross, sizeof(d->root_and_cross), "%s/root-and-cross.pem", d->dir);
	write_file_twice(d->root_and_cross, CROSS_ROOT_PEM, CROSS_CERT_PEM);
	write_file(d->twin_old, TWIN_OLD_PEM);
	write_file(d->twin_new, TWIN_NEW_PEM);
	write_file_twice(d->twins_old_first, TWIN_OLD_PEM, TWIN_NEW_PEM);
	write_file_twice(d->twins_new_first, TWIN_NEW_PEM, TWIN_OLD_PEM);
	memcpy(cut, CA_PEM, sizeof(cut) - 1);
	cut[sizeof(cut) - 1] = '\0';
	write_file(d->truncated, cut);
	if (fill_anchors(d) != 0 || mkdir(d->empty_dir, 0700) != 0)
		return -1;
	*state = d;
	return 0;
}

static int teardown_dir(void **state)
{
	struct fixture_dir *d = *state;

	empty_anchors(d);
	rmdir(d->empty_dir);
	unlink(d->der_entry);
	rmdir(d->der_dir);
	unlink(d->ca_der);
	unlink(d->ca);
	unlink(d->other);
	unlink(d->intermediate);
	unlink(d->empty);
	unlink(d->truncated);
	unlink(d->twins_old_first);
	unlink(d->twins_new_first);
	unlink(d->twin_old);
	unlink(d->twin_new);
	unlink(d->root_and_cross);
	rmdir(d->dir);
	free(d);
	return 0;
}

/* The DER of COUNT PEM certificates, in DER (free each with gnutls_free()). */
static void decode_pems(const char *const *pems, size_t count, gnutls_datum_t *der)
{
	for (size_t i = 0; i < count; i++) {
		gnutls_datum_t pem = {(unsigned char *)pems[i], (unsigned)strlen(pems[i])};

		assert_int_equal(gnutls_pem_base64_decode2("CERTIFICATE", &pem, &der[i]), 0);
	}
}

/* Load PEM certificates into CHAIN through the DER interface the probe uses. */
static int load_pems(struct cert_chain *chain, const char *const *pems, size_t count,
                     struct fault *f)
{
	gnutls_datum_t der[CERT_MAX_CHAIN + 8];
	size_t i;
	int rc;

	assert_true(count <= CERT_MAX_CHAIN + 8);
	decode_pems(pems, count, der);
	memset(chain, 0, sizeof(*chain));
	rc = cert_chain_load(chain, der, count, f);
	for (i = 0; i < count; i++)
		gnutls_free(der[i].data);
	return rc;
}

static void load_ok(struct cert_chain *chain, const char *const *pems, size_t count)
{
	struct fault f = {0};

	assert_int_equal(load_pems(chain, pems, count, &f), 0);
	assert_int_equal(f.kind, FAULT_NONE);
	assert_int_equal(chain->count, count);
}

static void test_leaf_fields(void **state)
{
	const char *pems[] = {LEAF_PEM};
	struct cert_chain chain;
	const struct cert_info *leaf = &chain.items[0];

	(void)state;
	load_ok(&chain, pems, 1);
	assert_non_null(leaf->crt);
	assert_int_equal(leaf->role, CERT_LEAF);
	assert_string_equal(leaf->label, "CN=a.example");
	assert_string_equal(leaf->subject, "CN=a.example");
	assert_string_equal(leaf->issuer, "CN=Test Intermediate CA,O=tlscheck tests");
	assert_string_equal(leaf->issuer_label, "CN=Test Intermediate CA");
	assert_string_equal(leaf->serial, "00c0ffee01");
	assert_string_equal(leaf->sha256, LEAF_SHA256);
	assert_true(leaf->not_before == T_2026_01_01);
	assert_true(leaf->not_after == T_2027_01_01);
	/* As the DER writes them, for the rule that judges how. */
	assert_true(leaf->raw_times);
	assert_false(leaf->not_before_raw.generalized);
	assert_string_equal(leaf->not_before_raw.text, "260101000000Z");
	assert_string_equal(leaf->not_after_raw.text, "270101000000Z");
	assert_int_equal(leaf->san_count, 4);
	assert_string_equal(leaf->sans[0], "a.example");
	assert_string_equal(leaf->sans[1], "*.wild.example");
	assert_string_equal(leaf->sans[2], "xn--bcher-kva.example");
	assert_string_equal(leaf->sans[3], "127.0.0.1");
	assert_string_equal(leaf->key, "EC P-256");
	assert_int_equal(leaf->key_algorithm, GNUTLS_PK_ECDSA);
	assert_int_equal(leaf->key_bits, 256);
	assert_string_equal(leaf->signature, "ECDSA-SHA256");
	assert_int_equal(leaf->signature_hash, GNUTLS_DIG_SHA256);
	assert_false(leaf->self_signed);
	cert_chain_clear(&chain);
	assert_int_equal(chain.count, 0);
	assert_null(chain.items[0].crt);
}

/* GnuTLS gives both times as 1970-01-01; the DER holds the true ones. */
static void test_times_before_1970(void **state)
{
	const char *pems[] = {PRE1970_PEM};
	struct cert_chain chain;

	(void)state;
	load_ok(&chain, pems, 1);
	assert_true(chain.items[0].raw_times);
	assert_true(chain.items[0].not_before_raw.generalized);
	assert_true(chain.items[0].not_before == -657554400); /* 1949-03-01 10:00 */
	assert_true(chain.items[0].not_after == -618062400);  /* 1950-06-01 12:00 */
	cert_chain_clear(&chain);
}

static void test_cn_only_fields(void **state)
{
	const char *pems[] = {CNONLY_PEM};
	struct cert_chain chain;

	(void)state;
	load_ok(&chain, pems, 1);
	assert_string_equal(chain.items[0].label, "CN=cn-only.example");
	assert_string_equal(chain.items[0].subject, "CN=cn-only.example,O=tlscheck tests");
	assert_string_equal(chain.items[0].serial, "10");
	assert_int_equal(chain.items[0].san_count, 0);
	cert_chain_clear(&chain);
}

static void test_roles_by_position(void **state)
{
	const char *pems[] = {LEAF_PEM, INT_PEM, CA_PEM};
	const char *self_signed_first[] = {CA_PEM};
	struct cert_chain chain;

	(void)state;
	load_ok(&chain, pems, 3);
	assert_int_equal(chain.items[0].role, CERT_LEAF);
	assert_int_equal(chain.items[1].role, CERT_INTERMEDIATE);
	assert_int_equal(chain.items[2].role, CERT_ROOT);
	assert_string_equal(chain.items[1].label, "CN=Test Intermediate CA");
	assert_string_equal(chain.items[1].issuer_label, "CN=Test Root CA");
	assert_string_equal(chain.items[2].issuer_label, "CN=Test Root CA");
	assert_string_equal(chain.items[2].serial, "01");
	assert_false(chain.items[1].self_signed);
	assert_true(chain.items[2].self_signed);
	cert_chain_clear(&chain);

	/* A self-signed certificate served alone is still the leaf. */
	load_ok(&chain, self_signed_first, 1);
	assert_int_equal(chain.items[0].role, CERT_LEAF);
	assert_true(chain.items[0].self_signed);
	cert_chain_clear(&chain);
}

static void test_issuer_without_cn(void **state)
{
	const char *pems[] = {NOCN_PEM};
	struct cert_chain chain;

	(void)state;
	load_ok(&chain, pems, 1);
	assert_string_equal(chain.items[0].label, "CN=nocn-issued.example");
	assert_string_equal(chain.items[0].issuer, "OU=No CN CA,O=tlscheck tests");
	assert_string_equal(chain.items[0].issuer_label, "OU=No CN CA,O=tlscheck tests");
	cert_chain_clear(&chain);
}

static void test_unparsable_element(void **state)
{
	static unsigned char junk[] = {0x30, 0x03, 0x02, 0x01, 0x00, 0xff};
	gnutls_datum_t der[2];
	gnutls_datum_t pem = {(unsigned char *)LEAF_PEM, sizeof(LEAF_PEM) - 1};
	struct cert_chain chain;
	struct fault f = {0};

	(void)state;
	assert_int_equal(gnutls_pem_base64_decode2("CERTIFICATE", &pem, &der[0]), 0);
	der[1].data = junk;
	der[1].size = sizeof(junk);
	memset(&chain, 0, sizeof(chain));
	assert_int_equal(cert_chain_load(&chain, der, 2, &f), -1);
	assert_int_equal(f.kind, FAULT_PEER);
	assert_non_null(strstr(f.text, "certificate 2 of the served chain cannot be parsed"));
	assert_int_equal(chain.count, 0);
	assert_null(chain.items[0].crt);
	gnutls_free(der[0].data);
}

static void test_long_chain_keeps_first(void **state)
{
	const char *pems[CERT_MAX_CHAIN + 4];
	struct cert_chain chain;
	struct fault f = {0};
	size_t i;

	(void)state;
	pems[0] = LEAF_PEM;
	for (i = 1; i < CERT_MAX_CHAIN + 4; i++)
		pems[i] = INT_PEM;
	assert_int_equal(load_pems(&chain, pems, CERT_MAX_CHAIN + 4, &f), 0);
	assert_int_equal(chain.count, CERT_MAX_CHAIN);
	assert_true(chain.cut);
	cert_chain_clear(&chain);
	/* Exactly the bound is whole, not cut. */
	assert_int_equal(load_pems(&chain, pems, CERT_MAX_CHAIN, &f), 0);
	assert_int_equal(chain.count, CERT_MAX_CHAIN);
	assert_false(chain.cut);
	cert_chain_clear(&chain);
}

static void test_empty_chain(void **state)
{
	struct cert_chain chain;
	struct fault f = {0};

	(void)state;
	memset(&chain, 0, sizeof(chain));
	assert_int_equal(cert_chain_load(&chain, NULL, 0, &f), 0);
	assert_int_equal(chain.count, 0);
	cert_chain_clear(&chain);
}

static void test_name_matching(void **state)
{
	const char *pems[] = {LEAF_PEM};
	struct cert_chain chain;
	const struct cert_info *leaf = &chain.items[0];

	(void)state;
	load_ok(&chain, pems, 1);
	assert_true(cert_matches_name(leaf, "a.example"));
	assert_true(cert_matches_name(leaf, "A.EXAMPLE"));
	assert_false(cert_matches_name(leaf, "b.example"));
	assert_false(cert_matches_name(leaf, "example"));
	/* A wildcard stands for exactly one leftmost label. */
	assert_true(cert_matches_name(leaf, "x.wild.example"));
	assert_false(cert_matches_name(leaf, "a.b.wild.example"));
	assert_false(cert_matches_name(leaf, "wild.example"));
	/* Names arrive as A-labels. */
	assert_true(cert_matches_name(leaf, "xn--bcher-kva.example"));
	assert_true(cert_matches_name(leaf, "127.0.0.1"));
	assert_false(cert_matches_name(leaf, "127.0.0.2"));
	assert_false(cert_matches_name(leaf, ""));
	assert_false(cert_matches_name(leaf, NULL));
	cert_chain_clear(&chain);
}

static void test_name_matching_cn_only(void **state)
{
	const char *only_cn[] = {CNONLY_PEM};
	const char *with_san[] = {LEAF_PEM};
	struct cert_chain chain;

	(void)state;
	load_ok(&chain, only_cn, 1);
	assert_true(cert_matches_name(&chain.items[0], "cn-only.example"));
	assert_false(cert_matches_name(&chain.items[0], "other.example"));
	cert_chain_clear(&chain);

	/* With SANs present, a name in the CN alone is not enough: the leaf's CN is
	 * a.example, also a SAN; its issuer CN is not a name it serves. */
	load_ok(&chain, with_san, 1);
	assert_false(cert_matches_name(&chain.items[0], "Test Intermediate CA"));
	cert_chain_clear(&chain);
}

static void test_earliest_expiry(void **state)
{
	const char *sorted[] = {LEAF_PEM, INT_PEM, CA_PEM};
	const char *expired_up[] = {LEAF_PEM, INT_PEM, EXPIRED_PEM};
	const char *tie[] = {LEAF_PEM, LEAF_PEM};
	struct cert_chain chain;

	(void)state;
	load_ok(&chain, sorted, 3);
	assert_int_equal(cert_chain_earliest_expiry(&chain), 0);
	cert_chain_clear(&chain);

	load_ok(&chain, expired_up, 3);
	assert_int_equal(cert_chain_earliest_expiry(&chain), 2);
	assert_true(chain.items[2].not_after == T_2025_10_01);
	assert_string_equal(chain.items[2].sha256, EXPIRED_SHA256);
	cert_chain_clear(&chain);

	load_ok(&chain, tie, 2);
	assert_int_equal(cert_chain_earliest_expiry(&chain), 0);
	cert_chain_clear(&chain);
}

static void make_store(struct trust_store *store, const char *const *files, size_t file_count,
                       const char *dir)
{
	size_t i;

	memset(store, 0, sizeof(*store));
	for (i = 0; i < file_count; i++)
		store->ca_files[i] = files[i];
	store->ca_file_count = file_count;
	store->ca_path = dir;
}

/* Verify PEMS against the CA files FILES (and DIR), which must load. */
static int verify(const char *const *pems, size_t count, const char *const *files,
                  size_t file_count, const char *dir, struct trust_result *r, struct fault *f)
{
	struct trust_store store;
	struct trust_anchors *anchors = NULL;
	struct cert_chain chain;
	int rc;

	make_store(&store, files, file_count, dir);
	assert_int_equal(trust_load(&store, NULL, &anchors, f), 0);
	assert_non_null(anchors);
	load_ok(&chain, pems, count);
	rc = trust_verify(anchors, &chain, r, f);
	cert_chain_clear(&chain);
	trust_free(anchors);
	return rc;
}

/* Load the store of FILES (and DIR), which must fail with EXPECTED. */
static void load_fails(const char *const *files, size_t file_count, const char *dir,
                       const char *expected)
{
	struct trust_store store;
	struct trust_anchors *anchors = (void *)&store; /* stale: trust_load() must clear it */
	struct fault f = {0};

	make_store(&store, files, file_count, dir);
	assert_int_equal(trust_load(&store, NULL, &anchors, &f), -1);
	assert_null(anchors);
	assert_int_equal(f.kind, FAULT_INTERNAL);
	assert_string_equal(f.text, expected);
}

static void test_trusted_by_ca_file(void **state)
{
	struct fixture_dir *d = *state;
	const char *pems[] = {LEAF_PEM, INT_PEM};
	const char *files[] = {d->ca};
	struct trust_result r;
	struct fault f = {0};

	assert_int_equal(verify(pems, 2, files, 1, NULL, &r, &f), 0);
	assert_true(r.trusted);
	assert_string_equal(r.store, "ca.pem");
	assert_string_equal(r.reason, "");
}

static void test_trusted_by_second_file(void **state)
{
	struct fixture_dir *d = *state;
	const char *pems[] = {LEAF_PEM, INT_PEM};
	const char *files[] = {d->other, d->ca};
	struct trust_result r;
	struct fault f = {0};

	assert_int_equal(verify(pems, 2, files, 2, NULL, &r, &f), 0);
	assert_true(r.trusted);
	assert_string_equal(r.store, "other.pem, ca.pem");
}

static void test_trusted_by_ca_path(void **state)
{
	struct fixture_dir *d = *state;
	const char *pems[] = {LEAF_PEM, INT_PEM};
	struct trust_result r;
	struct fault f = {0};

	assert_int_equal(verify(pems, 2, NULL, 0, d->anchors, &r, &f), 0);
	assert_true(r.trusted);
	assert_string_equal(r.store, d->anchors);
}

/* A CA file or a directory's file in DER is read as --cert-file's is. */
static void test_trusted_by_der(void **state)
{
	struct fixture_dir *d = *state;
	const char *pems[] = {LEAF_PEM, INT_PEM};
	const char *files[] = {d->ca_der};
	struct trust_result r;
	struct fault f = {0};

	assert_int_equal(verify(pems, 2, files, 1, NULL, &r, &f), 0);
	assert_true(r.trusted);
	assert_string_equal(r.store, "ca.der");
	assert_int_equal(verify(pems, 2, NULL, 0, d->der_dir, &r, &f), 0);
	assert_true(r.trusted);
}

static void test_wrong_ca(void **state)
{
	struct fixture_dir *d = *state;
	const char *pems[] = {LEAF_PEM, INT_PEM};
	const char *files[] = {d->other};
	struct trust_result r;
	struct fault f = {0};

	assert_int_equal(verify(pems, 2, files, 1, NULL, &r, &f), 0);
	assert_false(r.trusted);
	assert_string_equal(r.store, "other.pem");
	assert_string_equal(r.reason, "issuer 'CN=Test Root CA' is unknown");
}

static void test_wrong_ca_served_root(void **state)
{
	struct fixture_dir *d = *state;
	const char *pems[] = {LEAF_PEM, INT_PEM, CA_PEM};
	const char *files[] = {d->other};
	struct trust_result r;
	struct fault f = {0};

	assert_int_equal(verify(pems, 3, files, 1, NULL, &r, &f), 0);
	assert_false(r.trusted);
	assert_string_equal(r.reason, "self-signed 'CN=Test Root CA' is unknown");
	/* No anchor is named for a chain that does not reach one. */
	assert_false(r.anchor_known);
	assert_string_equal(r.anchor_label, "");
}

static void test_missing_intermediate(void **state)
{
	struct fixture_dir *d = *state;
	const char *pems[] = {LEAF_PEM};
	const char *files[] = {d->ca};
	struct trust_result r;
	struct fault f = {0};

	assert_int_equal(verify(pems, 1, files, 1, NULL, &r, &f), 0);
	assert_false(r.trusted);
	assert_string_equal(r.reason, "issuer 'CN=Test Intermediate CA' is unknown");
}

static void test_missing_ca_file(void **state)
{
	struct fixture_dir *d = *state;
	const char *files[] = {d->missing};
	char expected[320];

	snprintf(expected, sizeof(expected), "cannot read CA file '%s': No such file or directory",
	         d->missing);
	load_fails(files, 1, NULL, expected);
}

static void test_ca_file_without_certificate(void **state)
{
	struct fixture_dir *d = *state;
	const char *files[] = {d->ca, d->empty};
	const char *dev_null[] = {"/dev/null"};
	char expected[320];

	snprintf(expected, sizeof(expected), "CA file '%s' holds no certificate", d->empty);
	load_fails(files, 2, NULL, expected);
	load_fails(dev_null, 1, NULL,
	           "CA file '/dev/null' is a character device, not a regular file");
}

static void test_unparsable_ca_file(void **state)
{
	struct fixture_dir *d = *state;
	const char *files[] = {d->truncated};
	char expected[320];

	snprintf(expected, sizeof(expected),
	         "CA file '%s' cannot be parsed: a PEM block is truncated or garbled",
	         d->truncated);
	load_fails(files, 1, NULL, expected);
}

static void test_ca_file_not_regular(void **state)
{
	struct fixture_dir *d = *state;
	const char *files[] = {d->anchors};
	char expected[320];

	snprintf(expected, sizeof(expected), "CA file '%s' is a directory, not a regular file",
	         d->anchors);
	load_fails(files, 1, NULL, expected);
}

static void test_unusable_ca_path(void **state)
{
	struct fixture_dir *d = *state;
	char expected[320];

	snprintf(expected, sizeof(expected), "CA directory '%s' is a regular file, not a directory",
	         d->ca);
	load_fails(NULL, 0, d->ca, expected);

	snprintf(expected, sizeof(expected),
	         "cannot read CA directory '%s': No such file or directory", d->missing);
	load_fails(NULL, 0, d->missing, expected);
	snprintf(expected, sizeof(expected), "CA directory '%s' holds no certificate",
	         d->empty_dir);
	load_fails(NULL, 0, d->empty_dir, expected);
}

static void test_store_is_explicit(void **state)
{
	struct fixture_dir *d = *state;
	const char *files[] = {d->ca};
	struct trust_store store;

	make_store(&store, NULL, 0, NULL);
	assert_false(trust_store_is_explicit(&store));
	make_store(&store, files, 1, NULL);
	assert_true(trust_store_is_explicit(&store));
	make_store(&store, NULL, 0, d->anchors);
	assert_true(trust_store_is_explicit(&store));
}

/* One load serves every chain judged in the run. */
static void test_anchors_serve_many_chains(void **state)
{
	struct fixture_dir *d = *state;
	const char *files[] = {d->ca};
	const char *trusted[] = {LEAF_PEM, INT_PEM};
	const char *untrusted[] = {LEAF_PEM};
	struct trust_store store;
	struct trust_anchors *anchors = NULL;
	struct cert_chain chain;
	struct trust_result r;
	struct fault f = {0};

	make_store(&store, files, 1, NULL);
	assert_int_equal(trust_load(&store, NULL, &anchors, &f), 0);
	load_ok(&chain, untrusted, 1);
	assert_int_equal(trust_verify(anchors, &chain, &r, &f), 0);
	assert_false(r.trusted);
	cert_chain_clear(&chain);
	load_ok(&chain, trusted, 2);
	assert_int_equal(trust_verify(anchors, &chain, &r, &f), 0);
	assert_true(r.trusted);
	assert_string_equal(r.store, "ca.pem");
	assert_string_equal(r.reason, "");
	cert_chain_clear(&chain);
	trust_free(anchors);
	trust_free(NULL);
}

/* An issuer without a CN is named by its DN. */
static void test_unknown_issuer_without_cn(void **state)
{
	struct fixture_dir *d = *state;
	const char *pems[] = {NOCN_PEM};
	const char *files[] = {d->ca};
	struct trust_result r;
	struct fault f = {0};

	assert_int_equal(verify(pems, 1, files, 1, NULL, &r, &f), 0);
	assert_false(r.trusted);
	assert_string_equal(r.reason, "issuer 'OU=No CN CA,O=tlscheck tests' is unknown");
}

static void test_unsorted_chain(void **state)
{
	struct fixture_dir *d = *state;
	const char *pems[] = {LEAF_PEM, CA_PEM, OTHER_PEM, INT_PEM};
	const char *files[] = {d->ca};
	struct trust_result r;
	struct fault f = {0};

	assert_int_equal(verify(pems, 4, files, 1, NULL, &r, &f), 0);
	assert_true(r.trusted);
}

static void test_expired_leaf_is_trusted(void **state)
{
	struct fixture_dir *d = *state;
	const char *pems[] = {EXPIRED_PEM, INT_PEM};
	const char *files[] = {d->ca};
	struct trust_result r;
	struct fault f = {0};

	assert_int_equal(verify(pems, 2, files, 1, NULL, &r, &f), 0);
	assert_true(r.trusted);
}

static void test_sha1_leaf_is_trusted(void **state)
{
	struct fixture_dir *d = *state;
	const char *pems[] = {SHA1_PEM, INT_PEM};
	const char *files[] = {d->ca};
	struct trust_result r;
	struct fault f = {0};

	assert_int_equal(verify(pems, 2, files, 1, NULL, &r, &f), 0);
	assert_true(r.trusted);
}

static void test_sha1_signature_fact(void **state)
{
	const char *pems[] = {SHA1_PEM};
	struct cert_chain chain;

	(void)state;
	load_ok(&chain, pems, 1);
	assert_string_equal(chain.items[0].signature, "ECDSA-SHA1");
	assert_int_equal(chain.items[0].signature_hash, GNUTLS_DIG_SHA1);
	cert_chain_clear(&chain);
}

/* Verify LEAF (its DER with the last octet of its signature changed) and INT
 * against ca.pem: not trusted, for RESULT's reason. */
static void verify_forged(const struct fixture_dir *d, const char *leaf, struct trust_result *r)
{
	struct trust_store store;
	struct trust_anchors *anchors = NULL;
	const char *files[] = {d->ca};
	const char *pems[] = {leaf, INT_PEM};
	gnutls_datum_t der[2];
	struct cert_chain chain;
	struct fault f = {0};

	decode_pems(pems, 2, der);
	der[0].data[der[0].size - 1] ^= 0x01;
	memset(&chain, 0, sizeof(chain));
	assert_int_equal(cert_chain_load(&chain, der, 2, &f), 0);
	make_store(&store, files, 1, NULL);
	assert_int_equal(trust_load(&store, NULL, &anchors, &f), 0);
	assert_int_equal(trust_verify(anchors, &chain, r, &f), 0);
	trust_free(anchors);
	cert_chain_clear(&chain);
	gnutls_free(der[0].data);
	gnutls_free(der[1].data);
}

/* Weak signature algorithms are let through verification for the crypto rule to
 * name; a signature that does not verify is still refused, weak or not. */
static void test_bad_signature_is_not_trusted(void **state)
{
	struct trust_result r;

	verify_forged(*state, LEAF_PEM, &r);
	assert_false(r.trusted);
	assert_string_equal(r.reason, "bad signature");
	verify_forged(*state, SHA1_PEM, &r);
	assert_false(r.trusted);
	assert_string_equal(r.reason, "bad signature");
}

/* Verify PEMS against the CA file FILE: trusted, with the anchor LABEL valid from
 * NOT_BEFORE to NOT_AFTER. */
static void anchor_is(const char *const *pems, size_t count, const char *file, const char *label,
                      time_t not_before, time_t not_after)
{
	const char *files[] = {file};
	struct trust_result r;
	struct fault f = {0};

	assert_int_equal(verify(pems, count, files, 1, NULL, &r, &f), 0);
	assert_true(r.trusted);
	assert_true(r.anchor_known);
	assert_string_equal(r.anchor_label, label);
	assert_true(r.anchor_not_before == not_before);
	assert_true(r.anchor_not_after == not_after);
}

/* The root is not served: the anchor is the one in the CA file that issued the
 * top of the served path. */
static void test_anchor_not_served(void **state)
{
	struct fixture_dir *d = *state;
	const char *pems[] = {LEAF_PEM, INT_PEM};
	const char *unsorted[] = {LEAF_PEM, OTHER_PEM, INT_PEM};

	anchor_is(pems, 2, d->ca, "CN=Test Root CA", T_2025_01_01, T_2035_01_01);
	anchor_is(unsorted, 3, d->ca, "CN=Test Root CA", T_2025_01_01, T_2035_01_01);
}

/* The root is served and is in the CA file: that certificate is the anchor. */
static void test_anchor_served(void **state)
{
	struct fixture_dir *d = *state;
	const char *pems[] = {LEAF_PEM, INT_PEM, CA_PEM};

	anchor_is(pems, 3, d->ca, "CN=Test Root CA", T_2025_01_01, T_2035_01_01);
}

/* An intermediate trusted directly is the anchor, served or not; the path
 * ends there even though it has an issuer. */
static void test_anchor_intermediate(void **state)
{
	struct fixture_dir *d = *state;
	const char *served[] = {LEAF_PEM, INT_PEM};
	const char *leaf_only[] = {LEAF_PEM};
	const char *with_root[] = {LEAF_PEM, INT_PEM, CA_PEM};

	anchor_is(served, 2, d->intermediate, "CN=Test Intermediate CA", T_2025_06_01,
	          T_2030_01_01);
	anchor_is(leaf_only, 1, d->intermediate, "CN=Test Intermediate CA", T_2025_06_01,
	          T_2030_01_01);
	anchor_is(with_root, 3, d->intermediate, "CN=Test Intermediate CA", T_2025_06_01,
	          T_2030_01_01);
}

#define T_2024_06_01 ((time_t)1717200000)
#define T_2034_06_01 ((time_t)2032732800)

/* A root renewed in place beside its expired copy: the one that expires last is
 * the anchor, whatever the order of the copies, in one file or two, served or
 * not. */
static void test_anchor_renewed_in_place(void **state)
{
	struct fixture_dir *d = *state;
	const char *leaf_only[] = {TWIN_LEAF_PEM};
	const char *with_old_root[] = {TWIN_LEAF_PEM, TWIN_OLD_PEM};
	const char *old_first[] = {d->twin_old, d->twin_new};
	const char *new_first[] = {d->twin_new, d->twin_old};
	struct trust_result r;
	struct fault f = {0};

	anchor_is(leaf_only, 1, d->twins_old_first, "CN=Twin Root", T_2024_06_01, T_2034_06_01);
	anchor_is(leaf_only, 1, d->twins_new_first, "CN=Twin Root", T_2024_06_01, T_2034_06_01);
	anchor_is(with_old_root, 2, d->twins_old_first, "CN=Twin Root", T_2024_06_01, T_2034_06_01);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(
		        verify(leaf_only, 1, i == 0 ? old_first : new_first, 2, NULL, &r, &f), 0);
		assert_true(r.trusted);
		assert_true(r.anchor_not_after == T_2034_06_01);
	}
}

/* A cross-certificate of the root in use shares its subject and key, not its
 * issuer: however late it expires, it is no renewal, and the root stays the
 * anchor. */
static void test_anchor_cross_certificate_is_no_renewal(void **state)
{
	struct fixture_dir *d = *state;
	const char *leaf_only[] = {CROSS_LEAF_PEM};
	const char *files[] = {d->root_and_cross};
	struct trust_result r;
	struct fault f = {0};

	assert_int_equal(verify(leaf_only, 1, files, 1, NULL, &r, &f), 0);
	assert_true(r.trusted);
	assert_true(r.anchor_self_signed);
	assert_true(r.anchor_not_after == T_2030_01_01);
}

static void test_empty_chain_is_not_trusted(void **state)
{
	struct fixture_dir *d = *state;
	const char *files[] = {d->ca};
	struct trust_store store;
	struct trust_anchors *anchors = NULL;
	struct cert_chain chain;
	struct trust_result r;
	struct fault f = {0};

	make_store(&store, files, 1, NULL);
	memset(&chain, 0, sizeof(chain));
	assert_int_equal(trust_load(&store, NULL, &anchors, &f), 0);
	assert_int_equal(trust_verify(anchors, &chain, &r, &f), 0);
	assert_false(r.trusted);
	assert_string_equal(r.store, "ca.pem");
	assert_string_equal(r.reason, "no certificate was served");
	trust_free(anchors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_leaf_fields),
	        cmocka_unit_test(test_times_before_1970),
	        cmocka_unit_test(test_cn_only_fields),
	        cmocka_unit_test(test_roles_by_position),
	        cmocka_unit_test(test_issuer_without_cn),
	        cmocka_unit_test(test_unparsable_element),
	        cmocka_unit_test(test_long_chain_keeps_first),
	        cmocka_unit_test(test_empty_chain),
	        cmocka_unit_test(test_name_matching),
	        cmocka_unit_test(test_name_matching_cn_only),
	        cmocka_unit_test(test_earliest_expiry),
	        cmocka_unit_test(test_trusted_by_ca_file),
	        cmocka_unit_test(test_trusted_by_second_file),
	        cmocka_unit_test(test_trusted_by_ca_path),
	        cmocka_unit_test(test_trusted_by_der),
	        cmocka_unit_test(test_wrong_ca),
	        cmocka_unit_test(test_wrong_ca_served_root),
	        cmocka_unit_test(test_missing_intermediate),
	        cmocka_unit_test(test_missing_ca_file),
	        cmocka_unit_test(test_ca_file_without_certificate),
	        cmocka_unit_test(test_unparsable_ca_file),
	        cmocka_unit_test(test_ca_file_not_regular),
	        cmocka_unit_test(test_unusable_ca_path),
	        cmocka_unit_test(test_store_is_explicit),
	        cmocka_unit_test(test_anchors_serve_many_chains),
	        cmocka_unit_test(test_unknown_issuer_without_cn),
	        cmocka_unit_test(test_unsorted_chain),
	        cmocka_unit_test(test_expired_leaf_is_trusted),
	        cmocka_unit_test(test_sha1_leaf_is_trusted),
	        cmocka_unit_test(test_sha1_signature_fact),
	        cmocka_unit_test(test_bad_signature_is_not_trusted),
	        cmocka_unit_test(test_anchor_not_served),
	        cmocka_unit_test(test_anchor_served),
	        cmocka_unit_test(test_anchor_intermediate),
	        cmocka_unit_test(test_anchor_renewed_in_place),
	        cmocka_unit_test(test_anchor_cross_certificate_is_no_renewal),
	        cmocka_unit_test(test_empty_chain_is_not_trusted),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
