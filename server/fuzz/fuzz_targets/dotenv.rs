#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    keywire_fuzz::dotenv(data);
});
