//! Any text: parsing never panics or overflows the stack, a statement that
//! parses prints back to text that parses to the same print, and splitting
//! a script never fails unexpectedly.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.to_string();
    // as in kg: the stages after parsing recurse up to the depth limit, on
    // a thread with a stack sized for it
    let checked = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || {
            if let Ok(statement) = kg::cypher::parse(&text) {
                let printed = statement.to_string();
                let again = kg::cypher::parse(&printed).map(|s| s.to_string());
                assert_eq!(again.as_ref(), Ok(&printed), "{text}");
            }
            let _ = kg::cypher::split_script(&text);
        })
        .expect("a fuzzing thread")
        .join();
    if let Err(panic) = checked {
        std::panic::resume_unwind(panic);
    }
});
