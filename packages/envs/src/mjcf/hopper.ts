/**
 * Hopper MJCF, authored for offrl from the physical parameters of Gymnasium's `hopper.xml`
 * (used unchanged by Hopper-v2 … v5): capsule geometry, density-derived masses (total 15.82 kg),
 * armature and damping 1 on the leg joints, gear 200, RK4 at 2 ms.
 *
 * Written in body-local frames; the world positions at qpos0 are the ones Gymnasium lists:
 * torso (0,0,1.45)→(0,0,1.05), thigh →0.6, leg →0.1, foot (−0.13,0,0.1)→(0.26,0,0.1).
 * `<size memory>` replaces MuJoCo's ~14 MB default arena (measured use ≈ 30 KB) so that about a
 * thousand envs fit in one 2 GiB wasm heap.
 */
export const hopperMjcf = `<mujoco model="hopper">
  <compiler angle="degree" inertiafromgeom="true"/>
  <size memory="256K"/>
  <option integrator="RK4" timestep="0.002"/>
  <default>
    <joint armature="1" damping="1" limited="true"/>
    <geom conaffinity="1" condim="1" contype="1" margin="0.001" friction="1 0.005 0.0001"
          solimp="0.8 0.8 0.01" solref="0.02 1"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" size="20 20 0.125" condim="3"/>
    <body name="torso" pos="0 0 1.25">
      <joint name="rootx" type="slide" axis="1 0 0" pos="0 0 0" limited="false" armature="0" damping="0"/>
      <joint name="rootz" type="slide" axis="0 0 1" pos="0 0 0" ref="1.25" limited="false" armature="0" damping="0"/>
      <joint name="rooty" type="hinge" axis="0 1 0" pos="0 0 0" limited="false" armature="0" damping="0"/>
      <geom name="torso_geom" type="capsule" fromto="0 0 0.2 0 0 -0.2" size="0.05" friction="0.9"/>
      <body name="thigh" pos="0 0 -0.2">
        <joint name="thigh_joint" type="hinge" axis="0 -1 0" pos="0 0 0" range="-150 0"/>
        <geom name="thigh_geom" type="capsule" fromto="0 0 0 0 0 -0.45" size="0.05" friction="0.9"/>
        <body name="leg" pos="0 0 -0.45">
          <joint name="leg_joint" type="hinge" axis="0 -1 0" pos="0 0 0" range="-150 0"/>
          <geom name="leg_geom" type="capsule" fromto="0 0 0 0 0 -0.5" size="0.04" friction="0.9"/>
          <body name="foot" pos="0 0 -0.5">
            <joint name="foot_joint" type="hinge" axis="0 -1 0" pos="0 0 0" range="-45 45"/>
            <geom name="foot_geom" type="capsule" fromto="-0.13 0 0 0.26 0 0" size="0.06" friction="2.0"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="thigh_motor" joint="thigh_joint" gear="200"/>
    <motor name="leg_motor" joint="leg_joint" gear="200"/>
    <motor name="foot_motor" joint="foot_joint" gear="200"/>
  </actuator>
</mujoco>
`;
