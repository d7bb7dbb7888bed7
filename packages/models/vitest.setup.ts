// Tests run on the backend offrl would pick (wasm here), or the one OFFRL_BACKEND forces.
import { initBackend } from '@offrl/tensor';

await initBackend({ quiet: true });
