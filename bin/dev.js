#!/usr/bin/env -S node --import tsx
// Runs the commands from src/ through tsx (oclif's development mode), as the sf plugin template's bin/dev.js does.
import { execute } from '@oclif/core';

await execute({ development: true, dir: import.meta.url });
