// A self-signed certificate for 127.0.0.1/localhost, generated for tests only (openssl req -x509,
// P-256, 100 years). It protects nothing: the Pub/Sub client is told to skip verification.
export const TEST_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOGHytbjLfVw67zCv
sDYDbS5VP4tXxKtIN8wuFqx0GgihRANCAATej+3QKd/G1nZ5Egds0LoiyVyjmyRj
FaFKWiJgAGiEUJL9OcPnEIGksVcOLn+Gfh4Zc8/jrdPqOrb8YBoG7Vhq
-----END PRIVATE KEY-----`;

export const TEST_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUKfGq3kjxjf0pB9O8oiO6n4SeJD4wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEzMDIwMjIxNloYDzIxMjYxMTA2
MjAyMjE2WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATej+3QKd/G1nZ5Egds0LoiyVyjmyRjFaFKWiJgAGiEUJL9OcPnEIGk
sVcOLn+Gfh4Zc8/jrdPqOrb8YBoG7Vhqo28wbTAdBgNVHQ4EFgQU811rKGoDdAzk
2O7KZzznZDkUQz0wHwYDVR0jBBgwFoAU811rKGoDdAzk2O7KZzznZDkUQz0wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIgeaUFvGLSgPoA/xol6t/1Z8iLA8wYmZOzfkfjSIMhUXcCIQDh
PTd38RuwgbemqzPVecg+DLI6DLYo3QrH1vHdqOFdEg==
-----END CERTIFICATE-----`;
